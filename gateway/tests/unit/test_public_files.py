"""The file links' tokens (public_files.py, E-8): signed with their own secret, expiring, any change refused."""
import pytest

from carnet_gateway import public_files as pf

DOCUMENT = {"id": "d1", "storage_key": "org1/key00001", "name": "Offre signée.pdf", "content_type": "application/pdf",
            "size": 12}


def test_a_token_round_trips_until_it_expires():
    token = pf.sign(DOCUMENT, org_id="o1", expires_at=1_000, key=b"k")
    data = pf.verify(token, now=999, key=b"k")
    assert (data["d"], data["s"], data["n"], data["t"], data["z"], data["o"]) == (
        "d1", "org1/key00001", "Offre signée.pdf", "application/pdf", 12, "o1")
    with pytest.raises(pf.Expired):
        pf.verify(token, now=1_000, key=b"k")


@pytest.mark.parametrize("change", [
    lambda t: t.replace(".", ".x", 1),
    lambda t: "A" + t[1:],
    lambda t: t.split(".")[0],
    lambda t: t + ".x",
    lambda t: "",
    lambda t: "ab.cd",
])
def test_any_change_is_refused(change):
    token = pf.sign(DOCUMENT, org_id="o1", expires_at=10**10, key=b"k")
    with pytest.raises(pf.BadToken):
        pf.verify(change(token), key=b"k")


def test_another_secret_or_a_longer_expiry_is_refused():
    token = pf.sign(DOCUMENT, org_id="o1", expires_at=1_000, key=b"k")
    with pytest.raises(pf.BadToken):
        pf.verify(token, now=0, key=b"other")
    forged = pf.sign(DOCUMENT, org_id="o1", expires_at=10**10, key=b"other")
    payload = forged.split(".")[0]
    with pytest.raises(pf.BadToken):
        pf.verify(payload + "." + token.split(".")[1], now=0, key=b"k")


def test_link_days_are_bounded(monkeypatch):
    monkeypatch.setenv("CAMPAIGNS_FILE_LINK_DAYS", "9999")
    assert pf.link_days() == pf.MAX_DAYS
    monkeypatch.setenv("CAMPAIGNS_FILE_LINK_DAYS", "nope")
    assert pf.link_days() == pf.DEFAULT_DAYS


def test_the_link_is_served_as_an_attachment_and_refusals_are_pages(app, tmp_path):
    """``GET /files/<token>`` on the app (as ``create_app`` registers it), on real local-disk storage."""
    import io
    import time

    from carnet_common import storage

    store = storage.LocalDiskStorage(str(tmp_path))
    store.put("org1/key00001", io.BytesIO(b"%PDF-1.7 x"), limit=100)
    app.extensions["carnet.documents"] = store
    client = app.test_client()
    token = pf.sign({**DOCUMENT, "size": 10}, org_id="o1", expires_at=int(time.time()) + 60)
    got = client.get(f"/files/{token}")
    assert got.status_code == 200 and got.data == b"%PDF-1.7 x"
    assert got.headers["Content-Disposition"].startswith('attachment; filename="Offre signee.pdf"')
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in got.headers["Cache-Control"]
    assert "sandbox" in got.headers["Content-Security-Policy"]

    tampered = client.get(f"/files/x{token}")
    assert tampered.status_code == 400 and "Lien invalide" in tampered.text and "Invalid link" in tampered.text
    expired = pf.sign(DOCUMENT, org_id="o1", expires_at=int(time.time()) - 1)
    assert client.get(f"/files/{expired}").status_code == 404
    missing = pf.sign({**DOCUMENT, "storage_key": "org1/none0001"}, org_id="o1", expires_at=int(time.time()) + 60)
    gone = client.get(f"/files/{missing}")
    assert gone.status_code == 404 and "supprimé" in gone.text and gone.headers["Cache-Control"] == "no-store"
