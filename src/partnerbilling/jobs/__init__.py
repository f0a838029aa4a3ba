"""Jobs: work too long for a request (the renewal and dunning runs), executed by a worker."""
