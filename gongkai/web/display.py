"""Reader display preferences (字体 大/中/小, 长者模式), kept in cookies so they hold across
pages and work without JavaScript: each choice is a plain link that sets the cookie."""

from dataclasses import dataclass

FONT_SIZES = {"large": "大", "medium": "中", "small": "小"}
DEFAULT_FONT = "medium"
COOKIE_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class DisplayPrefs:
    font: str = DEFAULT_FONT
    elder: bool = False

    @property
    def css_classes(self) -> str:
        return f"font-{self.font}" + (" elder" if self.elder else "")


def display_prefs(request) -> DisplayPrefs:
    font = request.COOKIES.get("font", DEFAULT_FONT)
    return DisplayPrefs(
        font=font if font in FONT_SIZES else DEFAULT_FONT,
        elder=request.COOKIES.get("elder") == "1",
    )
