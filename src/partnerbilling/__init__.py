"""partnerbilling: billing for a hosting provider's partner (reseller) programme."""
