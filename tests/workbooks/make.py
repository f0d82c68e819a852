#!/usr/bin/env python3
"""Writes the workbooks that tests/it/workbook.rs reads: orders.xlsx (openpyxl), orders.ods
(odfpy) and orders.xls (xlwt), each with typed cells as a spreadsheet holds them: text headers,
ids and amounts as numbers (the id 13085 stored as the float 13085.0), dates as date cells and
one date-and-time cell.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install openpyxl odfpy xlwt
    /tmp/venv/bin/python tests/workbooks/make.py

It also writes archive.zip, a zip archive that holds a CSV file and no workbook. The generated
files are committed, so that the tests need neither Python nor the network.

Sheets, in order (row numbers as the spreadsheet shows them):
  Orders     header in row 1; order lines in rows 2-3 and 5-8, row 4 left empty; the product
             "Mug, large" holds the delimiter
  Campaigns  campaign_id, campaign_type, cost, impressions, clicks, conversions of C1 and C2
  Customers  customer_id (numbers, as in Orders) and segment: 13085 vip, 13086 and 13087 new
  Gaps       (.xlsx and .ods) row 1 empty, header in row 2, a line in row 3, row 4 empty, and
             in row 5 the amount "12,50" typed as text
  Errors     (.xlsx and .ods) header in row 1, a line in row 2, and in row 3 an amount that is
             the error #N/A (cell E3)
  Spill      (.xlsx) as Errors, with the error #SPILL! (of Excel 365, which calamine does not
             know) in E3

damaged.xls is not written here: it is orders.xls with a few bytes changed at random, on which
calamine 0.38's .xls reader panics (an index past the end of a sector); it is kept as a
regression test of that panic turned into an error.
"""

import datetime
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = ["order_id", "customer_id", "order_date", "product_id", "amount", "campaign_id"]
DAY = datetime.date
ORDERS = [
    [1001.0, 13085.0, DAY(2024, 3, 5), "P1", 2.55, "C1"],
    [1001.0, 13085.0, DAY(2024, 3, 5), "P2", 10.0, "C1"],
    None,  # row 4: empty
    [1002.0, 13085.0, datetime.datetime(2024, 4, 1, 9, 30), "P1", 7.45, None],
    [1003.0, 13086.0, DAY(2024, 3, 10), "Mug, large", 20.0, "C2"],
    [1004.0, 13087.0, DAY(2024, 3, 11), "P1", 4.5, None],
    [1004.0, 13087.0, DAY(2024, 3, 11), "Mug, large", 5.5, None],
]
CAMPAIGNS = [
    ["campaign_id", "campaign_type", "cost", "impressions", "clicks", "conversions"],
    ["C1", "email", 12.5, 1000.0, 50.0, 5.0],
    ["C2", "sms", 7.5, 500.0, 25.0, 2.0],
]
CUSTOMERS = [
    ["customer_id", "segment"],
    [13085.0, "vip"],
    [13086.0, "new"],
    [13087.0, "new"],
]
GAPS = [
    None,
    HEADER,
    [2001.0, 13085.0, DAY(2024, 3, 5), "P1", 2.55, None],
    None,
    [2002.0, 13086.0, DAY(2024, 3, 6), "P2", "12,50", None],
]
ERRORS = [
    HEADER,
    [3001.0, 13085.0, DAY(2024, 3, 5), "P1", 2.55, None],
    [3002.0, 13086.0, DAY(2024, 3, 6), "P2", "#N/A", None],
]
SPILL = [ERRORS[0], ERRORS[1], ERRORS[2][:4] + ["#SPILL!", None]]
SHEETS = [
    ("Orders", [HEADER] + ORDERS),
    ("Campaigns", CAMPAIGNS),
    ("Customers", CUSTOMERS),
    ("Gaps", GAPS),
    ("Errors", ERRORS),
]
# A fixed time for the files' metadata, so that a run writes the same cells.
WRITTEN = datetime.datetime(2026, 1, 1)


def xlsx(path):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = WRITTEN
    for name, rows in SHEETS + [("Spill", SPILL)]:
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row or [], start=1):
                if value is None:
                    continue
                # openpyxl stores the string "#N/A" as the error value #N/A; "#SPILL!" is
                # marked as one by hand.
                cell = sheet.cell(row=r, column=c, value=value)
                if value == "#SPILL!":
                    cell.data_type = "e"
                if isinstance(value, datetime.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)


def ods(path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in SHEETS:
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row or []:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, datetime.datetime):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.strftime("%Y-%m-%d %H:%M")))
                elif isinstance(value, datetime.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.isoformat()))
                elif isinstance(value, float):
                    cell = TableCell(valuetype="float", value=repr(value))
                    cell.addElement(P(text=repr(value)))
                else:
                    # LibreOffice writes a formula's error value as its text, as here.
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=value))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def xls(path):
    import xlwt

    book = xlwt.Workbook()
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    for name, rows in SHEETS[:3]:
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row or []):
                if value is None:
                    continue
                if isinstance(value, datetime.datetime):
                    sheet.write(r, c, value, stamp)
                elif isinstance(value, datetime.date):
                    sheet.write(r, c, value, date)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))


def archive(path):
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("orders.csv", date_time=WRITTEN.timetuple()[:6])
        z.writestr(info, ",".join(HEADER) + "\n")


if __name__ == "__main__":
    xlsx(HERE / "orders.xlsx")
    ods(HERE / "orders.ods")
    xls(HERE / "orders.xls")
    archive(HERE / "archive.zip")
    print("wrote orders.xlsx, orders.ods, orders.xls and archive.zip in", HERE)
