"""The churn-risk score: its formula with real dates, its model (priors, window, JSON, pickling), `fit_risk`, and
its properties (monotone in silence, blind to order and duplicates, lowered by a contact, reproducible by hand
from `risk_inputs`, the same in `cadence.frames`)."""

from __future__ import annotations

import json
import math
import pickle
import random
from datetime import datetime, timedelta, timezone

import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from builders import berlin as at
from builders import call, person, policy
from cadence import (
    Contact,
    Customer,
    InputError,
    InputTypeError,
    Policy,
    RiskModel,
    RiskPrior,
    Rule,
    Segment,
    Status,
    assess,
    assess_many,
    fit_risk,
)
from cadence._time import instant_us
from strategies import as_of_instants, customer_at, customer_specs, history_at, history_specs, policies
from test_frames_properties import LIBRARIES, RISK_TOLERANCE, frames_assess, tables

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
WEEKLY = [call(at(2026, 1, 5, 10).add(weeks=week)) for week in range(10)]


def by_hand(result: object) -> float:
    """The score from `risk_inputs` alone, by the formula of the docs (exponents capped at 700, as documented)."""
    i = result.risk_inputs  # type: ignore[attr-defined]
    k, e = i.contacts + i.prior_contacts, i.tenure_days + i.prior_days
    rate, h = k / e, 1 / i.lifetime_days
    ran = 1 + h / (rate + h) * (math.exp(min((rate + h) * i.silence_days, 700)) - 1)
    c, w = i.stop_chance, i.stop_weight
    stop = c * w / ((1 - c) * w + i.contacts - 1) if i.contacts else 0.0
    assert stop == pytest.approx(i.stop_odds, rel=1e-12)
    halt = 1 + stop * (math.exp(min(k * math.log(e / (e - i.silence_days)), 700)) - 1)
    return 1 - 1 / (ran * halt) * (1 - (1 + i.window_days / e) ** -k)


class TestScore:
    def test_a_weekly_customer_with_the_rules_default(self) -> None:
        """Created 1 June 2025, ten weekly calls from 5 January 2026, a weekly rule with churn after 60 days."""
        rule = Rule.every("7d", churn_after="60d")
        last = WEEKLY[-1].at
        now = assess(policy(rule), person(), WEEKLY, as_of=last)
        inputs = now.risk_inputs
        assert (inputs.contacts, inputs.prior, inputs.prior_contacts, inputs.prior_days) == (10, "", 1.0, 7.0)
        assert (inputs.lifetime_days, inputs.window_days, inputs.silence_days) == (365.0, 60.0, 0.0)
        assert inputs.tenure_days == pytest.approx((last - at(2025, 6, 1)).total_seconds() / 86_400)
        assert inputs.active_probability == 1.0  # just heard from
        assert now.risk_score == pytest.approx(inputs.quiet_probability)
        assert now.risk_score == pytest.approx(by_hand(now), rel=1e-12)
        later = assess(policy(rule), person(), WEEKLY, as_of=last.add(days=60))  # across the change to summer time
        assert later.risk_inputs.silence_days == pytest.approx(60 - 1 / 24)  # 23-hour day of 29 March
        assert later.risk_score == pytest.approx(by_hand(later), rel=1e-12)
        assert now.risk_score < 0.15 < 0.4 < later.risk_score

    def test_a_chatty_customer_worries_sooner_than_a_rare_one(self) -> None:
        rule = Rule.every("7d", churn_after="60d")
        daily = [call(at(2026, 1, 5, 10).add(days=d)) for d in range(30)]
        rare = [call(at(2025, 7, 1, 10).add(weeks=6 * k)) for k in range(5)]
        chatty = assess(policy(rule), person(), daily, as_of=daily[-1].at.add(days=20))
        slow = assess(policy(rule), person(), rare, as_of=rare[-1].at.add(days=20))
        assert chatty.risk_inputs.active_probability < slow.risk_inputs.active_probability
        assert chatty.risk_inputs.rate_per_day > slow.risk_inputs.rate_per_day

    def test_contacts_before_or_at_creation_do_not_count(self) -> None:
        """Neither a contact before created_at (1 June 2025, midnight in Berlin) nor one at that very instant (the
        purchase that made the customer) says anything about the customer's rate."""
        early, making = call(at(2025, 5, 1, 10)), call(at(2025, 6, 1))
        rule = Rule.every("7d")
        without = assess(policy(rule), person(), WEEKLY, as_of=at(2026, 3, 20))
        for extra in ([early], [making], [early, making]):
            for history in ([*extra, *WEEKLY], [*WEEKLY, *extra]):  # in time order (one pass) and not (a set)
                given_too = assess(policy(rule), person(), history, as_of=at(2026, 3, 20))
                assert given_too.risk_score == without.risk_score
                assert given_too.risk_inputs.contacts == 10
        just_after = assess(policy(rule), person(), [call(at(2025, 6, 1).add(seconds=1))], as_of=at(2026, 3, 20))
        assert just_after.risk_inputs.contacts == 1

    def test_a_chance_of_stopping_at_a_contact(self) -> None:
        """With a prior chance of 0.3 of stopping right after a contact, worth 2 contacts: a customer with one
        contact after creation has odds 0.3 * 2 / (0.7 * 2 + 0) = 3/7 of having stopped at it, one with ten
        0.6 / (1.4 + 9); a customer just heard from is still active, and the chance only ever adds to the score."""
        rule = Rule.every("7d", churn_after="60d")
        stopping = RiskModel(window="30d", priors={"*/*": RiskPrior(1.0, 7.0, 365.0, stop_chance=0.3, stop_weight=2.0)})
        steady = RiskModel(window="30d", priors={"*/*": RiskPrior(1.0, 7.0, 365.0)})
        once = [call(at(2026, 1, 5, 10))]
        for history, odds in ((once, 3 / 7), (WEEKLY, 0.6 / 10.4)):
            quiet = history[-1].at.add(days=21)
            result = assess(policy(rule), person(), history, as_of=quiet, risk=stopping)
            assert result.risk_inputs.stop_odds == pytest.approx(odds, rel=1e-12)
            assert result.risk_score == pytest.approx(by_hand(result), rel=1e-12)
            assert result.risk_score > assess(policy(rule), person(), history, as_of=quiet, risk=steady).risk_score
            heard = assess(policy(rule), person(), history, as_of=history[-1].at, risk=stopping)
            assert heard.risk_inputs.active_probability == 1.0
        none = assess(policy(rule), person(), [], as_of=at(2026, 3, 20), risk=stopping)
        assert (none.risk_inputs.contacts, none.risk_inputs.stop_odds) == (0, 0.0)

    def test_a_terminal_stage_has_no_risk(self) -> None:
        result = assess(policy(Rule.every("7d")), person("lost"), WEEKLY, as_of=at(2026, 3, 20))
        assert (result.status, result.risk_score, result.risk_inputs.prior) == (Status.INACTIVE, 0.0, "")


class TestModel:
    def model(self) -> RiskModel:
        return RiskModel(
            window="91d",
            priors={
                "A/lead": RiskPrior(2.0, 20.0, 100.0),
                "A/*": RiskPrior(1.0, 40.0, 200.0),
                "*/*": RiskPrior(0.5, 60.0, 300.0, customers=1200),
            },
        )

    def test_the_most_specific_prior_applies(self) -> None:
        rule = Rule.every("7d")
        two = Policy(name="p", calendar="Europe/Berlin", segments=["A", "B"], rules={("*", "*"): rule})
        entered = at(2026, 1, 5, 9)
        keys = []
        for segment, stage in (("A", "lead"), ("A", "retention"), ("B", "lead")):
            someone = Customer("c", segment, stage, stage_entered_at=entered, created_at=entered)
            result = assess(two, someone, WEEKLY, as_of=at(2026, 3, 20), risk=self.model())
            keys.append((result.risk_inputs.prior, result.risk_inputs.window_days, result.risk_inputs.prior_days))
        assert keys == [("A/lead", 91.0, 20.0), ("A/*", 91.0, 40.0), ("*/*", 91.0, 60.0)]
        alone = RiskModel(window="2w", priors={"B/*": RiskPrior(1.0, 5.0, 50.0)})
        result = assess(two, Customer("c", "A", "lead", stage_entered_at=entered, created_at=entered), WEEKLY,
                        as_of=at(2026, 3, 20), risk=alone)  # fmt: skip
        inputs = result.risk_inputs
        assert (inputs.prior, inputs.prior_days, inputs.window_days) == ("", 7.0, 14)

    def test_json_and_pickle_round_trips(self) -> None:
        model = self.model()
        data = json.loads(json.dumps(model.to_dict()))
        assert data["window"] == "91d"
        assert data["priors"]["*/*"] == {
            "contacts": 0.5,
            "days": 60.0,
            "lifetime_days": 300.0,
            "stop_chance": 0.0,
            "stop_weight": 1.0,
            "customers": 1200,
        }
        assert RiskModel.from_dict(data) == model
        assert pickle.loads(pickle.dumps(model)) == model
        result = assess(policy(Rule.every("7d")), person(), WEEKLY, as_of=at(2026, 3, 20), risk=model)
        back = pickle.loads(pickle.dumps(result))
        assert back == result
        assert back.risk_score == result.risk_score
        assert back.risk_inputs.prior == "A/*"
        assert result != assess(policy(Rule.every("7d")), person(), WEEKLY, as_of=at(2026, 3, 20))

    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda: RiskModel(window="3bd"), "RiskModel.window"),
            (lambda: RiskModel(window="0d"), "RiskModel.window"),
            (lambda: RiskModel(window="soon"), "RiskModel.window"),
            (lambda: RiskModel(window="7d", priors={"A": RiskPrior(1.0, 1.0, 1.0)}), "RiskModel.priors"),
            (lambda: RiskModel(window="7d", priors={"A/": RiskPrior(1.0, 1.0, 1.0)}), "RiskModel.priors"),
            (lambda: RiskModel(window="7d", priors={"*/*": (1.0, 1.0, 1.0)}), "RiskModel.priors"),
            (lambda: RiskModel(window="7d", priors=3), "RiskModel.priors"),
            (lambda: RiskPrior(0.0, 1.0, 1.0), "RiskPrior.contacts"),
            (lambda: RiskPrior(1.0, math.nan, 1.0), "RiskPrior.days"),
            (lambda: RiskPrior(1.0, 1.0, True), "RiskPrior.lifetime_days"),
            (lambda: RiskPrior(1.0, 1.0, "1"), "RiskPrior.lifetime_days"),
            (lambda: RiskPrior(1.0, 1.0, 1.0, customers=-1), "RiskPrior.customers"),
            (lambda: RiskPrior(1.0, 1.0, 1.0, stop_chance=1.0), "RiskPrior.stop_chance"),
            (lambda: RiskPrior(1.0, 1.0, 1.0, stop_chance=-0.1), "RiskPrior.stop_chance"),
            (lambda: RiskPrior(1.0, 1.0, 1.0, stop_chance="0.1"), "RiskPrior.stop_chance"),
            (lambda: RiskPrior(1.0, 1.0, 1.0, stop_weight=0.0), "RiskPrior.stop_weight"),
            (lambda: RiskModel.from_dict({}), "window"),
            (lambda: RiskModel.from_dict({"window": "7d", "priors": {"*/*": {"contacts": 1}}}), "priors['*/*']"),
        ],
    )
    def test_bad_values_name_their_field(self, make: object, field: str) -> None:
        with pytest.raises(InputError) as caught:
            make()  # type: ignore[operator]
        assert caught.value.field == field

    def test_a_risk_that_is_no_model_is_refused(self) -> None:
        with pytest.raises(InputTypeError, match="risk must be a RiskModel"):
            assess(policy(Rule.every("7d")), person(), WEEKLY, as_of=at(2026, 3, 20), risk={"window": "7d"})  # type: ignore[arg-type]
        with pytest.raises(InputTypeError, match="risk must be a RiskModel"):
            assess_many(policy(Rule.every("7d")), [person()], {}, as_of=at(2026, 3, 20), risk="7d")  # type: ignore[call-overload]


def population(seed: int = 3, n: int = 300) -> tuple[Policy, list[Customer], dict[str, list[Contact]]]:
    """Two segments: "often" in touch every 3 to 6 days, "rarely" every 20 to 40 days; a third of each stop at a
    random point. Created over January 2025, in UTC."""
    rng = random.Random(seed)
    rule = Rule.every("7d", churn_after="60d")
    the_policy = Policy(name="p", calendar="UTC", segments=[Segment("often"), Segment("rarely")],
                        rules={("*", "*"): rule})  # fmt: skip
    start = pendulum.datetime(2025, 1, 1, tz="UTC")
    people, histories = [], {}
    for i in range(n):
        segment = "often" if i % 2 else "rarely"
        created = start.add(hours=rng.randrange(31 * 24))
        people.append(Customer(f"c{i}", segment, "retention", stage_entered_at=created, created_at=created))
        gap = rng.uniform(3, 6) if segment == "often" else rng.uniform(20, 40)
        stop = rng.uniform(30, 600) if rng.random() < 0.33 else 10_000
        days, calls = 0.0, []
        while days < min(stop, 500):
            calls.append(Contact(created.add(seconds=int(days * 86_400)), "call", outcome="connected"))
            days += gap * rng.uniform(0.7, 1.3)
        histories[f"c{i}"] = calls
    return the_policy, people, histories


def likelihood(
    the_policy: Policy,
    members: list[Customer],
    histories: dict[str, list[Contact]],
    cut: pendulum.DateTime,
    quiet: list[bool],
    prior: RiskPrior,
) -> float:
    """The log-likelihood of the outcomes ``quiet`` under the score with ``prior``, at ``cut`` (a 30-day window)."""
    alone = RiskModel(window="30d", priors={"*/*": prior})
    results = assess_many(the_policy, members, histories, as_of=cut, risk=alone)
    return sum(math.log(r.risk_score if q else 1 - r.risk_score) for r, q in zip(results, quiet, strict=True))


class TestFit:
    def test_segments_get_their_own_rhythm(self) -> None:
        the_policy, people, histories = population()
        as_of = pendulum.datetime(2026, 1, 1, tz="UTC")
        model = fit_risk(the_policy, people, histories, as_of=as_of, window="30d", min_customers=100)
        priors = dict(model.priors)
        assert sorted(priors) == ["*/*", "often/*", "rarely/*"]
        assert (priors["*/*"].customers, priors["often/*"].customers, priors["rarely/*"].customers) == (300, 150, 150)
        assert RiskModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model
        # Each segment's prior explains its own customers' outcomes (quiet or not in the 30 days after as_of - 30
        # days, which the fit saw) better than the population's prior does.
        cut = as_of.subtract(days=30)
        for segment in ("often", "rarely"):
            members = [p for p in people if p.segment == segment]
            quiet_after = [not any(cut < c.at <= as_of for c in histories[p.id]) for p in members]
            mine, everyone = (
                likelihood(the_policy, members, histories, cut, quiet_after, prior)
                for prior in (priors[f"{segment}/*"], priors["*/*"])
            )
            assert mine > everyone
        # Fitted on the history up to as_of - 30 days, the score ranks who then stayed quiet above who did not.
        scores = [r.risk_score for r in assess_many(the_policy, people, histories, as_of=cut, risk=model)]
        quiet = [not any(cut < c.at <= as_of for c in histories[p.id]) for p in people]
        pairs = [(s, q) for s, q in zip(scores, quiet, strict=True)]
        above = sum(a > b for a, qa in pairs if qa for b, qb in pairs if not qb)
        total = sum(quiet) * (len(quiet) - sum(quiet))
        assert above / total > 0.9

    def test_too_few_customers_or_one_outcome_is_an_error(self) -> None:
        the_policy, people, histories = population(n=40)
        as_of = pendulum.datetime(2026, 1, 1, tz="UTC")
        with pytest.raises(InputError, match="at least 500 are needed") as caught:
            fit_risk(the_policy, people, histories, as_of=as_of)
        assert caught.value.field == "min_customers"
        with pytest.raises(InputError, match="one outcome") as caught:
            fit_risk(the_policy, people, histories, as_of=pendulum.datetime(2030, 1, 1, tz="UTC"), min_customers=10)
        with pytest.raises(InputError, match="min_customers must be"):
            fit_risk(the_policy, people, histories, as_of=as_of, min_customers=0)
        with pytest.raises(InputError) as caught:
            fit_risk(the_policy, people, histories, as_of=as_of, window="2bd")
        assert caught.value.field == "RiskModel.window"

    def test_customers_too_new_or_in_a_terminal_stage_are_left_out(self) -> None:
        the_policy, people, histories = population(n=60)
        as_of = pendulum.datetime(2026, 1, 1, tz="UTC")
        newcomer = Customer("new", "often", "retention", stage_entered_at=as_of.subtract(days=5),
                            created_at=as_of.subtract(days=5))  # fmt: skip
        won = Customer("won", "often", "lost", stage_entered_at=as_of.subtract(days=400),
                       created_at=as_of.subtract(days=400))  # fmt: skip
        model = fit_risk(the_policy, [*people, newcomer, won], histories, as_of=as_of, min_customers=60)
        assert dict(model.priors)["*/*"].customers == 60


# --- properties


def _models() -> st.SearchStrategy[RiskModel | None]:
    numbers = st.floats(0.01, 500, allow_nan=False)
    stop = st.just(0.0) | st.floats(0, 0.99)
    prior = st.builds(RiskPrior, numbers, numbers, st.floats(1, 5000), stop, st.floats(0.01, 100))
    keys = st.sampled_from(["*/*", "A/*", "B/*", "A/lead", "C/retention"])
    model = st.builds(RiskModel, st.sampled_from(["1d", "7d", "30d", "91d", "1mo"]), st.dictionaries(keys, prior))
    return st.none() | model


@given(policies(), as_of_instants, st.data(), _models())
def test_blind_to_order_and_duplicates_and_reproducible_by_hand(
    policy_: Policy, as_of: datetime, data: st.DataObject, model: RiskModel | None
) -> None:
    customer = customer_at(as_of, data.draw(customer_specs()))
    history = history_at(as_of, data.draw(history_specs()))
    result = assess(policy_, customer, history, as_of=as_of, risk=model)
    assume(result.status is not Status.INACTIVE)
    shuffled = data.draw(st.permutations(history))
    again = assess(policy_, customer, [*shuffled, *shuffled[:3]], as_of=as_of, risk=model)
    assert again.risk_score == result.risk_score
    # In time order the engine's one pass counts the contacts; out of order or repeated, a set does.
    in_order = assess(policy_, customer, sorted(history, key=lambda c: c.at), as_of=as_of, risk=model)
    assert in_order.risk_score == result.risk_score
    assert 0.0 <= result.risk_score <= 1.0
    assert result.risk_score == pytest.approx(by_hand(result), rel=1e-9, abs=1e-12)


@given(policies(), as_of_instants, st.data(), _models(), st.integers(0, 400 * 24 * 3600))
def test_monotone_in_silence_and_a_contact_never_raises_it(
    policy_: Policy, as_of: datetime, data: st.DataObject, model: RiskModel | None, later: int
) -> None:
    """While nothing happens the score never falls; a counted contact at an instant never leaves it higher than
    just before (the customer was just heard from)."""
    customer = customer_at(as_of, data.draw(customer_specs()))
    history = [c for c in history_at(as_of, data.draw(history_specs(after_days=0))) if c.at <= as_of]
    now = assess(policy_, customer, history, as_of=as_of, risk=model)
    assume(now.status is not Status.INACTIVE and now.rule is not None)
    # From the instant, in plain datetime arithmetic: as_of may be a wall time the clocks skipped (which
    # pendulum.instance moves), and pendulum's add drops a datetime.timezone.utc.
    then_at = _EPOCH + timedelta(microseconds=instant_us(as_of, "as_of"), seconds=later)
    then = assess(policy_, customer, history, as_of=then_at, risk=model)
    assert then.risk_score >= now.risk_score - 1e-12
    contact = call(then_at)
    assume(now.rule.counts.admits("call", "outbound", "connected"))  # type: ignore[union-attr]
    heard = assess(policy_, customer, [*history, contact], as_of=then_at, risk=model)
    assert heard.risk_score <= then.risk_score + 1e-12


@settings(max_examples=min(settings.default.max_examples, 60))
@given(st.data(), _models())
def test_frames_gives_the_same_score(data: st.DataObject, model: RiskModel | None) -> None:
    """`cadence.frames` gives `assess`'s score for every customer, with the same model, in pandas and polars."""
    policy_, people, as_of, rng = data.draw(tables())
    try:
        expected = [assess(policy_, c, h, as_of=as_of, risk=model).risk_score for c, h in people]
    except InputError:
        assume(False)
    state = rng.getstate()
    for library in LIBRARIES:
        rng.setstate(state)
        table = frames_assess(library, policy_, people, as_of, rng, risk=model)
        for got, want in zip(table["risk_score"], expected, strict=True):
            assert math.isclose(got, want, rel_tol=RISK_TOLERANCE, abs_tol=RISK_TOLERANCE), (library, got, want)
