"""The input document as a printable PDF of one or two A4 pages (fpdf2, DejaVu Sans embedded).

The words and numbers come from domain/inbreng.py (the same as the Markdown); this module only lays
them out. The font ships with the code (domain/data/fonts, licence beside it), so the PDF looks the
same on every machine and has Turkish, Polish and Portuguese letters; Arabic is shaped (joined,
right to left) by fpdf2's text shaping with uharfbuzz. When the content would run over two pages,
it is laid out again with fewer quotes and polls.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fonttools ships no type hints
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from domain.i18n_markers import Translator, language_of
from domain.inbreng import (
    POLLS_MAX,
    Inbreng,
    by_theme,
    day,
    footer,
    poll_footer,
    poll_rows,
    progress_counts,
    quote_line,
    subtitle,
    summary_lines,
    theme_heading,
    title,
)

FONTS = Path(__file__).parent / "data" / "fonts"
FONT = "DejaVu"
MAX_PAGES = 2
RTL = frozenset({"ar"})
ACCENT = (31, 92, 153)  # headings and bars: a calm blue that prints well in grey too
MUTED = (90, 90, 90)
LIGHT = (225, 232, 240)
# (quotes per theme, polls) from roomy to compact; the first layout that fits two pages wins.
LAYOUTS = ((2, POLLS_MAX), (1, 4), (1, 2), (0, 1))


@cache
def _glyphs() -> frozenset[int]:
    """The characters DejaVu Sans can draw (both weights have the same set)."""
    cmap: dict[int, str] = TTFont(str(FONTS / "DejaVuSans.ttf")).getBestCmap()
    return frozenset(cmap)


def printable(text: str) -> str:
    """`text` without what the font cannot draw (emoji, Chinese …), instead of empty boxes on paper."""
    glyphs = _glyphs()
    kept = "".join(c for c in text if ord(c) in glyphs or c in "\n\t")
    return re.sub(r"[ \t]{2,}", " ", kept).strip()


class _Document(FPDF):
    def __init__(self, footer_text: str, rtl: bool) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.rtl = rtl
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        if rtl:
            self.set_text_shaping(use_shaping_engine=True)  # direction per paragraph (Unicode bidi)
        self.set_title(footer_text)
        self.set_creator("Knooppunt")

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text}   ·   {self.page_no()}/{{nb}}", align=Align.C)

    @property
    def align(self) -> Align:
        return Align.R if self.rtl else Align.L

    def keep_room(self, height: float) -> None:
        """A heading never stays alone at the foot of a page: start a new page when less room is left."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, size: float = 13) -> None:
        self.keep_room(22)
        self.ln(2)
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, printable(text), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 0.8, self.w - self.r_margin, self.get_y() + 0.8)
        self.ln(3)
        self.set_text_color(0, 0, 0)

    def text_line(self, text: str, size: float = 10, bold: bool = False, color: tuple[int, int, int] = (0, 0, 0), indent: float = 0) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.set_x(self.l_margin + (0 if self.rtl else indent))
        self.multi_cell(self.epw - indent, size * 0.5, printable(text), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def quote(self, text: str) -> None:
        top = self.get_y()
        self.text_line(text, 9.5, color=(40, 40, 40), indent=5)
        self.set_fill_color(*LIGHT)
        x = self.w - self.r_margin - 1.2 if self.rtl else self.l_margin + 1.5
        if self.get_y() > top:  # same page: a bar beside the quote
            self.rect(x, top, 1.2, self.get_y() - top, style="F")
        self.ln(1.5)

    def poll_row(self, option: str, count: int, percent: int) -> None:
        self.set_font(FONT, "", 9.5)
        width_text, width_bar, width_numbers = self.epw * 0.5, self.epw * 0.32, self.epw * 0.18
        top = self.get_y()
        if top + 6 > self.page_break_trigger:
            self.add_page()
            top = self.get_y()
        cells = [("text", width_text), ("bar", width_bar), ("numbers", width_numbers)]
        if self.rtl:
            cells.reverse()
        x = self.l_margin
        for kind, width in cells:
            if kind == "text":
                self.set_xy(x, top)
                shown = printable(option)
                self.cell(width - 2, 6, shown if len(shown) <= 48 else shown[:47] + "…", align=self.align)
            elif kind == "bar":
                self.set_fill_color(*LIGHT)
                self.rect(x, top + 1.5, width - 4, 3, style="F")
                self.set_fill_color(*ACCENT)
                if percent:
                    filled = (width - 4) * min(percent, 100) / 100
                    self.rect(x + (width - 4 - filled if self.rtl else 0), top + 1.5, filled, 3, style="F")
            else:
                self.set_xy(x, top)
                self.cell(width, 6, f"{count}  ({percent}%)", align=Align.R if not self.rtl else Align.L)
            x += width
        self.set_xy(self.l_margin, top + 6)


def _render(data: Inbreng, translator: Translator, quotes: int, polls: int) -> FPDF:
    _ = translator.gettext
    rtl = language_of(translator) in RTL
    pdf = _Document(footer(translator), rtl)
    pdf.add_page()
    pdf.set_font(FONT, "B", 19)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 9, printable(title(data, translator)), align=pdf.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_line(subtitle(data, translator), 10, color=MUTED)
    for kind, when in data.meetings:
        pdf.text_line(_("Voor: {meeting} op {day}").format(meeting=_(kind), day=day(when, translator)), 10, bold=True)
    if data.made_on is not None:
        pdf.text_line(_("Gemaakt op {day}").format(day=day(data.made_on, translator)), 8, color=MUTED)

    pdf.heading(_("In het kort"))
    for line in summary_lines(data, translator):
        pdf.text_line("•  " + line if not rtl else line + "  •", 10.5)

    pdf.heading(_("Wat de buurt vraagt"))
    themes = by_theme(data.signals, translator)
    if not themes:
        pdf.text_line(_("In deze periode zijn geen ideeën of vragen gepubliceerd."), 10)
    for summary in themes:
        pdf.keep_room(16)
        pdf.ln(1)
        pdf.text_line(theme_heading(summary, translator), 10.5, bold=True)
        pdf.ln(0.8)
        for text, supports in summary.quotes[:quotes]:
            pdf.quote(quote_line(text, supports, translator))
    progress = progress_counts(data, translator)
    if progress:
        pdf.ln(1)
        pdf.text_line(_("Wat ermee gedaan is") + ": " + ", ".join(f"{label} {n}" for label, n in progress), 10)

    pdf.heading(_("Peilingen"))
    if not data.polls:
        pdf.text_line(_("In deze periode waren er geen peilingen."), 10)
    for result in data.polls[:polls]:
        pdf.keep_room(8 + 6 * min(len(result.options), 3))
        pdf.ln(2.5)
        pdf.text_line(result.question, 10.5, bold=True)
        pdf.ln(0.5)
        for option, count, percent in poll_rows(result):
            pdf.poll_row(option, count, percent)
        pdf.text_line(poll_footer(result, translator), 8.5, color=MUTED)
    hidden = len(data.polls) - min(polls, len(data.polls))
    if hidden > 0:
        pdf.text_line(translator.ngettext("En nog {n} peiling: zie de CSV.", "En nog {n} peilingen: zie de CSV.", hidden).format(n=hidden),
                      8.5, color=MUTED)
    return pdf


def render_pdf(data: Inbreng, translator: Translator) -> bytes:
    """The PDF's bytes: the roomiest layout that fits on two pages."""
    pdf = None
    for quotes, polls in LAYOUTS:
        pdf = _render(data, translator, quotes, polls)
        if pdf.page_no() <= MAX_PAGES:
            break
    assert pdf is not None
    return bytes(pdf.output())
