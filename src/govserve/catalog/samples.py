"""Result samples (审批结果样本) rendered from the item itself, for items imported without one."""

from xml.sax.saxutils import escape

from django.core.files.base import ContentFile


def render_result_sample(item) -> ContentFile:
    """An SVG specimen of the result document: its name, issuer and the fields it carries."""
    title = escape(item.result_name or item.name)
    issuer = escape(item.department.name)
    kind = escape(item.get_result_type_display() or "审批结果")
    lines = [
        ("编号", "（由系统按年度流水生成）"),
        ("持有人", "（申请人名称）"),
        ("证件号码", "（统一社会信用代码或身份证号码）"),
        ("事项", escape(item.name)),
        ("有效期", "（按审批决定载明）"),
        ("发证机关", issuer),
    ]
    rows = "".join(
        f'<text x="60" y="{190 + i * 44}" font-size="20">{label}：{value}</text>'
        for i, (label, value) in enumerate(lines)
    )
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="720" height="520" \
viewBox="0 0 720 520" role="img" aria-label="{title}（样本）">
<rect x="10" y="10" width="700" height="500" fill="#fffdf5" stroke="#b22222" stroke-width="6"/>
<text x="360" y="90" font-size="34" text-anchor="middle" fill="#b22222">{title}</text>
<text x="360" y="130" font-size="18" text-anchor="middle" fill="#666">{kind}（样本）</text>
{rows}
<circle cx="590" cy="430" r="60" fill="none" stroke="#b22222" stroke-width="4"/>
<text x="590" y="437" font-size="16" text-anchor="middle" fill="#b22222">{issuer[:10]}</text>
<text x="360" y="500" font-size="14" text-anchor="middle" fill="#999">\
样本仅供参考，不具法律效力</text>
</svg>"""
    return ContentFile(svg.encode("utf-8"))
