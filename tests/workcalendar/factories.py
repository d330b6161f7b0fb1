"""The working-day calendar's rows."""

import datetime as dt

import factory


class HolidayNoticeFactory(factory.django.DjangoModelFactory):
    """A loaded State Council holiday notice without days
    (load real ones with services.load_notice)."""

    class Meta:
        model = "workcalendar.HolidayNotice"
        django_get_or_create = ("year",)

    year = 2027
    title = factory.LazyAttribute(lambda o: f"国务院办公厅关于{o.year}年部分节假日安排的通知")
    published = factory.LazyAttribute(lambda o: dt.date(o.year - 1, 11, 5))
    source = "https://www.gov.cn/"
    loaded_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC))
