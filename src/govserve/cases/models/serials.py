"""The running numbers cases take from `core.serials` (one counter table for every app)."""

# 办件编号: implementation code + yyyyMMdd + a 4-digit serial per code and day.
CASE_NUMBER = "case-number"
# 文号: a serial per issuing department, kind of document and year.
DOCUMENT_NUMBER = "document-number"
