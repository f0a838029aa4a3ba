from tests.support import Api


async def test_me_answers_with_the_keys_organisation(api: Api) -> None:
    acme = await api.org("Acme")
    me = await api.ok(acme, "GET", "/v1/organizations/me")
    assert me["id"] == acme.id
    assert me["vat_rate"] == "0.081"
