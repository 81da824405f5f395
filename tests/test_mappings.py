"""Import mappings: realistic exports in English and Chinese, local wall times, words, encodings and workbooks."""

from __future__ import annotations

import contextlib
import io
import unicodedata
from datetime import datetime
from pathlib import Path

import attrs
import pytest

from cadence import InputError, assess_many, mappings, presets
from cadence._cli import main
from cadence.csv_files import RowError
from cadence.mappings import Mapping, MappingError, WallTimeError

EXPORTS = Path(__file__).parent / "data" / "exports"
SHANGHAI = presets.load("abc", calendar="Asia/Shanghai")
BERLIN = presets.load("abc", calendar="Europe/Berlin")


def hubspot_in_berlin(**changes: object) -> Mapping:
    """The built-in HubSpot mapping, for a portal set to Europe/Berlin."""
    return attrs.evolve(mappings.load("hubspot"), timezone="Europe/Berlin", **changes)  # type: ignore[arg-type]


def read(mapping: Mapping, customers: str, contacts: str, policy: object) -> tuple[list, dict, list[RowError]]:
    errors: list[RowError] = []
    people = mappings.read_customers(str(EXPORTS / customers), mapping, policy, errors)
    found = mappings.read_contacts(str(EXPORTS / contacts), mapping, {c.id for c in people}, errors)
    return people, found, errors


class TestChineseExport:
    def test_a_gb18030_customers_file_and_an_xlsx_of_follow_ups(self) -> None:
        """客户表 (GB18030 CSV) and 跟进记录 (.xlsx, with date cells and text cells): integer ids, Chinese words
        for tiers, stages, channels, directions and outcomes, wall times in Asia/Shanghai."""
        people, found, errors = read(
            mappings.load("jiandaoyun"), "jiandaoyun_customers.csv", "jiandaoyun_contacts.xlsx", SHANGHAI
        )
        assert errors == []
        assert [(c.id, c.segment, c.stage, c.owner) for c in people] == [
            ("1001", "A", "negotiation", "王磊"),
            ("1002", "B", "retention", "李娜"),
            ("1003", "C", "lead", "王磊"),
            ("1004", "A", "won", "李娜"),
        ]
        assert people[0].stage_entered_at.isoformat() == "2026-03-02T09:00:00+08:00"
        visit, call = found["1002"]
        assert (visit.at.isoformat(), visit.channel.value, visit.outcome.value) == (
            "2026-02-20T16:00:00+08:00",
            "visit",
            "connected",
        )
        assert (call.direction.value, call.at.isoformat()) == ("inbound", "2026-03-01T09:10:00+08:00")
        results = assess_many(SHANGHAI, people, found, as_of=datetime.fromisoformat("2026-03-12T09:00:00+08:00"))
        assert [(r.customer_id, r.status.value, r.due_at.date().isoformat()) for r in results] == [
            ("1001", "overdue", "2026-03-09"),  # tier A, every 3 days from the WeChat message on the 6th
            ("1002", "overdue", "2026-03-08"),
            ("1003", "on_track", "2026-04-09"),  # the unanswered call on the 10th does not count
            ("1004", "overdue", "2026-03-10"),
        ]

    def test_an_unknown_word_names_file_line_column_and_a_close_word(self, tmp_path: Path) -> None:
        """A channel the mapping does not know is a bad row: file, line, the export's column, did you mean."""
        text = (EXPORTS / "jiandaoyun_customers.csv").read_bytes()
        (tmp_path / "c.csv").write_bytes(text)
        (tmp_path / "k.csv").write_bytes(
            "客户编号,跟进时间,跟进方式,跟进结果\r\n1001,2026/03/05 10:00,微信群,已发送\r\n".encode("gb18030")
        )
        errors: list[RowError] = []
        mapping = mappings.load("jiandaoyun")
        people = mappings.read_customers(str(tmp_path / "c.csv"), mapping, SHANGHAI, errors)
        mappings.read_contacts(str(tmp_path / "k.csv"), mapping, {c.id for c in people}, errors)
        assert [str(error) for error in errors] == [
            f"{tmp_path / 'k.csv'}:2: column 跟进方式: unknown channel '微信群' (did you mean '微信'?)"
        ]


class TestWallTimes:
    def test_a_wall_time_in_the_spring_gap_and_one_in_the_autumn_hour_are_bad_rows(self) -> None:
        """Berlin skips 02:00-03:00 on 29 March 2026 and repeats 02:00-03:00 on 25 October 2026: by default both
        are bad rows, named by file, line and the export's column."""
        _, found, errors = read(hubspot_in_berlin(), "hubspot_companies.csv", "hubspot_calls.csv", BERLIN)
        calls = str(EXPORTS / "hubspot_calls.csv")
        assert [(e.file, e.line, e.column) for e in errors] == [
            (calls, 6, "Activity date"),
            (calls, 7, "Activity date"),
        ]
        assert "does not exist in Europe/Berlin" in errors[0].message
        assert "happens twice in Europe/Berlin" in errors[1].message
        assert "20003" not in found

    @pytest.mark.parametrize(("ambiguous", "offset"), [("earlier", "+02:00"), ("later", "+01:00")])
    def test_the_mapping_says_which_instant_they_are(self, ambiguous: str, offset: str) -> None:
        """``nonexistent = "later"`` reads 02:30 in the gap as 03:00 summer time; ``ambiguous`` picks the first or
        the second 02:30 of the autumn night."""
        mapping = hubspot_in_berlin(nonexistent="later", ambiguous=ambiguous)
        _, found, errors = read(mapping, "hubspot_companies.csv", "hubspot_calls.csv", BERLIN)
        assert errors == []
        assert [c.at.isoformat() for c in found["20003"]] == [
            "2026-03-29T03:00:00+02:00",
            f"2026-10-25T02:30:00{offset}",
        ]

    def test_wall_times_without_a_zone_are_refused_not_read_as_utc(self) -> None:
        """A mapping without ``timezone`` cannot read a wall time: the error says so, never UTC by default."""
        mapping = Mapping(timestamp_formats=("%Y/%m/%d %H:%M",))
        with pytest.raises(InputError, match="has no UTC offset, and the mapping names no timezone"):
            mapping.instant("2026/03/02 16:30")
        assert mapping.instant("2026-03-02T16:30:00+08:00").isoformat() == "2026-03-02T16:30:00+08:00"

    def test_wall_time_errors_are_their_own_type(self) -> None:
        with pytest.raises(WallTimeError):
            Mapping(timezone="America/New_York").instant("2026-03-08T02:30:00")


class TestMappingFiles:
    def test_the_built_in_mappings_load(self) -> None:
        assert mappings.presets() == ["hubspot", "jiandaoyun"]
        assert mappings.load("jiandaoyun").encoding == "gb18030"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ('name = "x"', "version must be 1"),
            ("version = 1\ncolour = 1", "unknown key 'colour'"),
            ('version = 1\n[customers]\nidentifier = "ID"', "'identifier' is not a field of customers"),
            ('version = 1\n[vocabulary.channel]\n"Phone" = "phone"', "'Phone' = 'phone' is not a channel"),
            ('version = 1\ntimezone = "Mars/Base"', "Mars/Base"),
            ('version = 1\nambiguous = "both"', "ambiguous must be one of raise, earlier, later"),
            ("version = 1\n[vocabulary.colour]", "'colour' has no words to map"),
            ("version = [", "not valid TOML"),
        ],
    )
    def test_bad_mapping_files_are_refused_naming_the_key(self, text: str, message: str) -> None:
        with pytest.raises(MappingError, match=message):
            mappings.loads(text)


CHECK_JIANDAOYUN = (
    "check",
    "--policy",
    "abc",
    "--timezone",
    "Asia/Shanghai",
    "--mapping",
    "jiandaoyun",
    "--customers",
    str(EXPORTS / "jiandaoyun_customers.csv"),
    "--contacts",
    str(EXPORTS / "jiandaoyun_contacts.xlsx"),
    "--as-of",
    "2026-03-12T09:00:00+08:00",
)
"""`cadence check` on the Jiandaoyun export with its built-in mapping."""


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


class TestCommandLine:
    def test_check_with_a_built_in_mapping(self) -> None:
        """cadence check --mapping jiandaoyun reads the Chinese export as it is."""
        status, out, err = cli(*CHECK_JIANDAOYUN, "--format", "csv")
        assert status == 0, err
        assert '"1001","王磊","A","negotiation","overdue"' in out

    def test_inspect_proposes_a_mapping_that_reads_the_file(self, tmp_path: Path) -> None:
        """The proposal finds the columns, the format, the encoding and the words; with the zone filled in, it
        reads the file."""
        status, out, err = cli("inspect", str(EXPORTS / "jiandaoyun_customers.csv"))
        assert status == 0, err
        for line in (
            'encoding = "gb18030"',
            'timestamp_formats = ["%Y/%m/%d %H:%M"]',
            'id = "客户编号"',
            '"A类" = "A"',
            '"商务谈判" = "negotiation"',
            '# timezone = ""',
        ):
            assert line in out.splitlines(), line
        mapping = mappings.loads(out.replace('# timezone = ""', 'timezone = "Asia/Shanghai"'))
        errors: list[RowError] = []
        people = mappings.read_customers(str(EXPORTS / "jiandaoyun_customers.csv"), mapping, SHANGHAI, errors)
        assert (errors, len(people)) == ([], 4)

    def test_a_mapped_column_missing_from_the_file_is_one_error(self, tmp_path: Path) -> None:
        (tmp_path / "c.csv").write_text("ID,Tier\n1,A\n", encoding="utf-8")
        status, _, err = cli(
            "check",
            "--policy",
            "abc",
            "--timezone",
            "Europe/Berlin",
            "--mapping",
            "hubspot",
            "--customers",
            str(tmp_path / "c.csv"),
            "--contacts",
            str(EXPORTS / "hubspot_calls.csv"),
            "--as-of",
            "2026-03-12T09:00:00+01:00",
        )
        assert status == 2
        assert f"{tmp_path / 'c.csv'}:1: column Record ID, Lifecycle Stage" in err


def test_the_json_schema_accepts_the_built_in_mappings_and_refuses_unknown_keys() -> None:
    """Every built-in mapping file is valid under `json_schema`; an unknown field or a wrong channel is not."""
    import jsonschema

    from cadence.mappings import _PRESETS, tomllib

    schema = mappings.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for name in mappings.presets():
        jsonschema.validate(tomllib.loads((_PRESETS / f"{name}.toml").read_text(encoding="utf-8")), schema)
    for bad in (
        {"version": 1, "customers": {"identifier": "ID"}},
        {"version": 1, "vocabulary": {"channel": {"x": "phone"}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


class TestTables:
    """cadence.frames reads an export's tables through a mapping as cadence.mappings reads its files."""

    @staticmethod
    def tables(library: str) -> tuple[object, object]:
        import pandas as pd
        import polars as pl

        customers = pd.read_csv(EXPORTS / "jiandaoyun_customers.csv", encoding="gb18030", dtype=str)
        contacts = pd.read_excel(EXPORTS / "jiandaoyun_contacts.xlsx", dtype={"客户编号": str}, engine="calamine")
        contacts["跟进时间"] = contacts["跟进时间"].astype(str)  # date cells and text cells: text, as many exports
        if library == "polars":
            return pl.from_pandas(customers), pl.from_pandas(contacts)
        return customers, contacts

    @pytest.mark.parametrize("library", ["pandas", "polars"])
    def test_frames_assess_through_a_mapping_equals_the_files(self, library: str) -> None:
        from cadence import frames

        as_of = datetime.fromisoformat("2026-03-12T09:00:00+08:00")
        mapping = attrs.evolve(mappings.load("jiandaoyun"), timestamp_formats=("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S"))
        customers, contacts = self.tables(library)
        table = frames.assess(SHANGHAI, customers, contacts, as_of=as_of, mapping=mapping)
        people, found, _ = read(mapping, "jiandaoyun_customers.csv", "jiandaoyun_contacts.xlsx", SHANGHAI)
        expected = assess_many(SHANGHAI, people, found, as_of=as_of)
        column = table["status"].to_list()
        assert column == [r.status.value for r in expected]
        assert list(table["segment"]) == ["A", "B", "C", "A"]  # in cadence's words: the policy's segments
        assert list(table["customer_id"]) == ["1001", "1002", "1003", "1004"]

    def test_an_unknown_word_in_a_table_names_its_row_and_the_exports_column(self) -> None:
        from cadence import TableError, frames

        customers, contacts = self.tables("pandas")
        contacts.loc[4, "跟进方式"] = "微信群"
        with pytest.raises(TableError, match=r"contacts row 4, column '跟进方式': unknown channel '微信群'"):
            frames.assess(
                SHANGHAI,
                customers,
                contacts,
                as_of=datetime.fromisoformat("2026-03-12T09:00:00+08:00"),
                mapping=mappings.load("jiandaoyun"),
            )


def test_inspect_guesses_columns_by_content_when_names_say_nothing(tmp_path: Path) -> None:
    """Columns named in a way no list knows are still found: the timestamps are ``at``, the call words the
    channel, the outcome words the outcome."""
    (tmp_path / "log.csv").write_text(
        "Kunde,Wann,Wie,Ergebnis\nK1,2026-03-02 10:00,Call,Connected\nK2,2026-03-03 11:30,Email,Sent\n",
        encoding="utf-8",
    )
    proposal = mappings.propose(str(tmp_path / "log.csv"))
    for line in ('at = "Wann"', 'channel = "Wie"', 'outcome = "Ergebnis"', '"Call" = "call"', '"Sent" = "sent"'):
        assert line in proposal.splitlines(), line


class TestReviewRegressions:
    """Defects an independent review found in the first version of import mappings, each pinned."""

    def test_a_later_format_reads_what_the_first_cannot(self) -> None:
        mapping = Mapping(timezone="Europe/Berlin", timestamp_formats=("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"))
        assert mapping.instant("25/03/2026 10:00").isoformat() == "2026-03-25T10:00:00+01:00"

    @pytest.mark.parametrize(
        ("formats", "message"),
        [(["%Y-%m-%d %H:%M %Z"], "%Z"), (["%d.%m. %H:%M"], "no year"), (["%Y %Q"], "%Q"), ({"a": 1}, "a list")],
    )
    def test_formats_cadence_cannot_read_right_are_refused(self, formats: object, message: str) -> None:
        with pytest.raises(MappingError, match=message):
            Mapping(timezone="UTC", timestamp_formats=formats)  # type: ignore[arg-type]

    def test_dates_are_day_starts_and_until_dates_stay_dates(self) -> None:
        """Santiago skips midnight on 6 September 2026: a date cell is the day's first instant, 01:00. A date-only
        text in the until column is a date (the start of that day in the customer's zone, as `Deferral` says)."""
        from datetime import date

        santiago = Mapping(timezone="America/Santiago", timestamp_formats=("%d/%m/%Y %H:%M", "%d/%m/%Y"))
        assert santiago.instant(date(2026, 9, 6)).isoformat() == "2026-09-06T01:00:00-03:00"
        assert santiago.instant("06/09/2026").isoformat() == "2026-09-06T01:00:00-03:00"
        row = santiago.contact_row({"customer_id": "1", "at": "05/09/2026 10:00", "until": "20/09/2026"})
        assert row["until"] == date(2026, 9, 20)

    def test_words_without_a_vocabulary_and_policy_ids(self) -> None:
        """Without a vocabulary, cadence's words are read without case; a stage the vocabulary does not name is
        taken as the policy's id (the reader says if the policy does not know it); keys equal but for case that
        mean different things are refused; "did you mean" spells the word as the mapping does."""
        plain = Mapping()
        assert plain.word("channel", " Call ") == "call"
        assert mappings.load("hubspot").word("stage", "negotiation") == "negotiation"
        with pytest.raises(MappingError, match="differs from another word only in case"):
            Mapping(vocabulary={"outcome": {"OK": "connected", "ok": "no_answer"}})
        with pytest.raises(InputError, match="did you mean 'Left voicemail'"):
            mappings.load("hubspot").word("outcome", "left voicemal")

    def test_headers_are_checked_before_any_row(self, tmp_path: Path) -> None:
        """An empty file, a column named twice, and a row longer than a header missing a mapped column are each
        one error for the file, never a crash or silence."""
        mapping = hubspot_in_berlin()
        cases = {
            "empty.csv": ("", "no header row"),
            "twice.csv": ("Record ID,Record ID,Tier\n1,2,A\n", "named twice"),
            "short.csv": ("Record ID,Tier\n1,A,extra,more\n", "missing from the header"),
        }
        for name, (text, message) in cases.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
            errors: list[RowError] = []
            assert mappings.read_customers(str(tmp_path / name), mapping, BERLIN, errors) == []
            assert len(errors) == 1
            assert message in errors[0].message, name

    def test_cells_of_spaces_are_empty_and_a_byte_order_mark_wins(self, tmp_path: Path) -> None:
        """A cell of spaces is an empty cell; a UTF-8 file with its byte-order mark is read as UTF-8 even through a
        mapping that says GB18030."""
        text = "客户编号,跟进时间,跟进方式,跟进结果,跟进人\n1001,2026/03/05 10:00,电话,   ,王磊\n"
        (tmp_path / "k.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        errors: list[RowError] = []
        found = mappings.read_contacts(str(tmp_path / "k.csv"), mappings.load("jiandaoyun"), {"1001"}, errors)
        assert errors == []
        assert found["1001"][0].outcome.value == "other"

    def test_proposals_read_back_and_guess_by_content(self, tmp_path: Path) -> None:
        """Odd column names are quoted so that the proposal loads; a "Created By" column of names is not a
        timestamp; a cp1252 file is proposed as cp1252."""
        (tmp_path / 'we"ird.csv').write_bytes(
            'ID,Created By,Created,"Stage\\"x",Tier\n1,Zoë,2026-03-02 10:00,Lead,A\n'.encode("cp1252")
        )
        proposal = mappings.propose(str(tmp_path / 'we"ird.csv'))
        assert 'encoding = "cp1252"' in proposal.splitlines()
        assert 'created_at = "Created"' in proposal.splitlines()
        assert mappings.loads(proposal.replace('# timezone = ""', 'timezone = "UTC"')).name == 'we"ird'

    def test_inspect_with_an_unknown_encoding_is_an_error_without_traceback(self) -> None:
        status, _, err = cli("inspect", str(EXPORTS / "hubspot_calls.csv"), "--encoding", "bogus")
        assert status == 2
        assert err.startswith("cadence: error: unknown encoding 'bogus'")

    def test_frames_name_the_exports_columns_and_read_date_untils(self) -> None:
        """In tables too, errors name the export's column (a missing one, a bad timestamp), and a deferral's
        date-only until is a date."""
        import pandas as pd

        from cadence import TableError, frames

        mapping = Mapping(
            timezone="Europe/Berlin",
            timestamp_formats=("%d.%m.%Y %H:%M",),
            customers={"id": "Nr", "stage_entered_at": "Seit", "created_at": "Angelegt"},
            contacts={"customer_id": "Nr", "at": "Zeit", "channel": "Art", "until": "Bis"},
        )
        people = pd.DataFrame(
            {
                "Nr": ["1"],
                "segment": ["A"],
                "stage": ["lead"],
                "Seit": ["02.03.2026 09:00"],
                "Angelegt": ["02.03.2026 09:00"],
            }
        )
        touches = pd.DataFrame({"Nr": ["1"], "Zeit": ["31.02.2026 10:00"], "Art": ["Call"]})
        as_of = datetime.fromisoformat("2026-03-10T09:00:00+01:00")
        with pytest.raises(TableError, match="contacts row 0, column 'Zeit'"):
            frames.assess(BERLIN, people, touches, as_of=as_of, mapping=mapping)
        with pytest.raises(InputError, match="customers has no column 'Angelegt'"):
            frames.assess(BERLIN, people.drop(columns=["Angelegt"]), as_of=as_of, mapping=mapping)
        held = pd.DataFrame({"Nr": ["1"], "Zeit": ["03.03.2026 10:00"], "Bis": ["2026-03-20"]})
        table = frames.assess(BERLIN, people, deferrals=held, as_of=as_of, mapping=mapping)
        assert list(table["status"]) == ["snoozed"]


def test_tables_on_the_terminal_align_chinese_names_by_their_width() -> None:
    """A Chinese owner takes two terminal columns per character: the worklist's status column still starts at the
    same column on every line, as the header's does."""
    status, out, err = cli(*CHECK_JIANDAOYUN)
    assert status == 0, err
    lines = out.split("worklist, most urgent first")[1].splitlines()[1:5]

    def column_of(line: str, word: str) -> int:
        before = line[: line.index(word)]
        return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in before)

    assert {column_of(line, "status" if index == 0 else "overdue") for index, line in enumerate(lines)} == {37}
