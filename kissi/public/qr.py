"""The QR code of her page, as a PNG to share and as a printable A6 sticker.

The code holds her page's short address at the highest error correction (H: about 30 % of
the modules may be lost), so a dirty, creased or laminated sticker still scans. The sticker
is drawn with reportlab: her shop's name, stall and market, the code, the address written
out, and a phone icon saying "scan to order" (the words are given by the caller, already
translated).
"""
from __future__ import annotations

import io

PNG_BOX = 8  # pixels per module: about 330 px for a short address, sharp on a phone screen


def _qr(url: str):
    import qrcode  # loaded on first use

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, box_size=PNG_BOX, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a black and white PNG."""
    out = io.BytesIO()
    _qr(url).make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def sticker_pdf(stickers: list[dict]) -> bytes:
    """One A6 page per sticker: ``{"url", "name", "place", "scan"}`` (place and scan: text)."""
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A6, pageCompression=1)
    pdf.setTitle("kissi")
    width, height = A6
    for sticker in stickers:
        image = ImageReader(io.BytesIO(qr_png(sticker["url"])))
        side = 78 * mm
        pdf.setFont("Helvetica-Bold", 15)
        pdf.drawCentredString(width / 2, height - 14 * mm, sticker["name"][:40])
        pdf.setFont("Helvetica", 10)
        pdf.drawCentredString(width / 2, height - 20 * mm, (sticker.get("place") or "")[:60])
        pdf.drawImage(image, (width - side) / 2, height - 22 * mm - side, side, side)
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawCentredString(width / 2, 16 * mm, sticker.get("scan") or "")
        pdf.setFont("Courier", 8)
        pdf.drawCentredString(width / 2, 9 * mm, sticker["url"][:70])
        pdf.showPage()
    pdf.save()
    return out.getvalue()
