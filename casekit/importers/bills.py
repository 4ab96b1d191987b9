"""Bill importers (Alipay, WeChat Pay, banks). The generic column-map importer is not listed:
it claims nothing without a user's map — see `bill_generic.generic_importer`."""

from __future__ import annotations

from .base import Importer
from .bill_alipay import ALIPAY
from .bill_banks import BANK_IMPORTERS
from .bill_wechat import WECHAT

BILL_IMPORTERS: list[Importer] = [ALIPAY, WECHAT, *BANK_IMPORTERS]
