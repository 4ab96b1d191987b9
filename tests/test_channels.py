"""The table of official channels (casekit/channels.py)."""

from __future__ import annotations

from datetime import date

from casekit.channels import CHANNELS, as_rows, channel, channels_for, stop_payment_channels
from casekit.law import CHECKED_ON


def test_96110_is_not_where_payments_are_stopped():
    stop = {c.key for c in stop_payment_channels()}
    assert stop == {"110", "police_station"}
    assert channel("96110").stops_payment is False
    assert "不是止付渠道" in channel("96110").use and "止付" in channel("110").use


def test_every_channel_has_a_source_and_a_real_check_date():
    for c in CHANNELS:
        assert c.source and c.checked_on == CHECKED_ON and c.checked_on != date(2026, 3, 1), c.key
        assert c.status.startswith("经核实") == c.verified, c.key
        assert ("未核实" in c.status) == (not c.verified), c.key


def test_unverified_channels_never_print_as_verified():
    rows = as_rows(channels_for("guide", "快手"))
    assert {r["name"] for r in rows} >= {channel("12321").name, channel("12377").name}
    for r in rows:
        assert ("经核实" in r["status"]) == r["verified"]
        if not r["verified"]:
            assert r["verified_on"] == "未核实"


def test_each_step_gets_its_own_channels():
    assert [c.key for c in channels_for("consumer")] == ["12315", "xiaoxie"]
    assert channels_for("platform", "抖音") == []  # no reviewed in-app path for other platforms
    assert "110" in [c.key for c in channels_for("police")]
