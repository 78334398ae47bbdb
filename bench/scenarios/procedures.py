"""Catalog search: the public procedure API on a province-sized catalog.

``prepare`` loads the demo catalog and adds synthetic procedures (copies of the demo ones with
other codes and varied names) up to about 2,000, the size of a province's catalog, through the
same import administrators use. The runs then search by text without diacritics, filter, and
fetch one procedure in full.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from bench.harness import Measurement, Report, Server, run_wrk

SIZE = 2000
# Words that vary the synthetic names, so a text search matches a realistic share of rows.
VARIANTS = [
    "cấp lại",
    "điều chỉnh",
    "gia hạn",
    "cấp đổi",
    "thu hồi",
    "bổ sung",
    "xác nhận",
    "công nhận",
]


def prepare(server: Server) -> None:
    server.manage("load_demo", "--allow-production")
    with tempfile.TemporaryDirectory() as folder:
        exported = Path(folder) / "demo.json"
        server.manage("export_procedures", "--output", str(exported))
        document = json.loads(exported.read_text(encoding="utf-8"))
        demo = document["procedures"]
        rng = random.Random(58)  # the same catalog on every run
        synthetic = []
        for number in range(SIZE - len(demo)):
            base = demo[number % len(demo)]
            variant = rng.choice(VARIANTS)
            synthetic.append(
                dict(
                    base,
                    code=f"9.{number:06d}",
                    name=f"{base['name']} ({variant}, mẫu {number})",
                )
            )
        document["procedures"] = demo + synthetic
        catalog = Path(folder) / "catalog.json"
        catalog.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        server.manage("import_procedures", str(catalog))


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    runs = [
        ("procedures: search without diacritics", {"q": "giay phep xay dung"}),
        ("procedures: search two words, one filter", {"q": "khai sinh", "level": "commune"}),
        ("procedures: filters only", {"sector": "HT", "service_level": 4}),
    ]
    for name, params in runs:
        report.wrk.append(
            run_wrk(
                name,
                f"{server.url}/api/v1/procedures?{urlencode(params)}",
                connections=connections,
                duration=duration,
            )
        )
    report.wrk.append(
        run_wrk(
            "procedures: one procedure in full",
            f"{server.url}/api/v1/procedures/1.009972",
            connections=connections,
            duration=duration,
        )
    )
    orm = report.baseline("bare single-row ORM select")
    search = report.baseline("procedures: search without diacritics")
    if orm and search:
        report.measurements.append(
            Measurement(
                "catalog search / single-row select",
                search.requests_per_second / orm.requests_per_second,
                "ratio",
                notes=f"{SIZE} procedures; p99 {search.p99_ms:.1f} ms",
            )
        )
