"""PDF rendering of case documents (placeholder until the reportlab renderer lands)."""


def attach_pdf(doc) -> None:
    return None
