"""The lowest layer (核心): what every app shares and nothing of ours is imported by.

- `errors.Refused` — the one refusal (field, message, HTTP status) every app's errors derive
  from; `api.errors` maps it once to a field-level 4xx answer.
- `serials.take_next(scope, key)` — one counter for every running number (办件编号 serials,
  文号, licence serials), one locking style (`UPDATE … SET last = last + 1` in the caller's
  transaction).
- `registry.Registry` — a small typed registry of named parts; `hooks` declares the pluggable
  parts configured in `settings.GOVSERVE` (dotted paths) and checks at start-up that each
  configured one resolves (system check `govserve.E001`–`E003`).
- `pages` — `page()`/`denied()` and the `*_required` decorators of every app's pages; who is
  signed in, staff or administrator is answered by the `PAGE_ACCESS` hook (the accounts app).
- `admin` — the read-only and role-gated admin mixins.
- `forms.choice_field(form, name)` — a form's ChoiceField, to set its choices per form.
"""
