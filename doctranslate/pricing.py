"""What estimates, budgets and reports price with: your prices, in your currency.

Document Translation is billed per character (and, for text in images, per image); the price depends on the
tier and the agreement, so it is a setting, and so is the currency it is in: a report that says "cost
12.30" leaves the reader to guess whether that is dollars or euros.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field

CURRENCY_PATTERN: Final = "^[A-Z]{3}$"


class Pricing(BaseModel):
    model_config = ConfigDict(frozen=True)

    per_million_characters: float = Field(ge=0)
    per_image: float = Field(0.0, ge=0)
    currency: str = Field("USD", pattern=CURRENCY_PATTERN, description="ISO 4217 code of the prices above.")

    def cost(self, characters: int, images: int = 0) -> float:
        return characters * self.per_million_characters / 1_000_000 + images * self.per_image

    def amount(self, value: float) -> str:
        return format_amount(value, self.currency)


def format_amount(value: float, currency: str) -> str:
    """Money as people read it, with its currency: cents from one up, and small amounts with the digits that
    tell them apart (`0.0017 USD`, `0.00001 USD`, `1,201.00 USD`); no currency, none shown."""
    digits = f"{value:,.2f}" if value >= 1 or value == 0 else f"{value:.6f}".rstrip("0").rstrip(".")
    return f"{digits} {currency}".rstrip()
