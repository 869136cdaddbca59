// The orchestrator's gate on what it is asked (functions/region/event.ts): every way a failover
// request can be wrong, each refused with the field it names and the reason an operator reads in
// the rejected-request line, before anything is read or written. Both sides of every bound.
import {
  buildFailoverEvent,
  DETECTOR_SOURCE,
  parseFailoverEvent,
} from "../../functions/region/event";
import { assert } from "./helpers/assertions";
import { ACCOUNT, HOME, STANDBY, testSettings } from "./helpers/fixtures";

const NOW = Date.UTC(2026, 10, 29, 23, 0, 0);
const settings = testSettings(); // eu-west-1's orchestrator; events at most 60 s old

const valid = () =>
  buildFailoverEvent({
    source: DETECTOR_SOURCE,
    accountId: ACCOUNT,
    region: STANDBY,
    now: NOW,
    detail: {
      incidentId: `auto-${HOME}-to-${STANDBY}-epoch-3`,
      mode: "unplanned",
      failedRegion: HOME,
      targetRegion: STANDBY,
      epoch: 3,
    },
  });
type Event = Record<string, unknown> & { detail: Record<string, unknown> };
const parse = (change: (e: Event) => void, now = NOW) => {
  const event = valid() as unknown as Event;
  change(event);
  return parseFailoverEvent(event, settings, now);
};
const refused = (field: string, reason: string) => ({ ok: false, field, reason });

describe("the failover request: what the orchestrator accepts", () => {
  it("the detector's request for this region, recent and well typed, is accepted as sent", () => {
    const event = valid();
    assert.deepEqual(parseFailoverEvent(event, settings, NOW), {
      ok: true,
      event,
      timeMs: NOW,
    });
  });

  it("anything but an object", () => {
    for (const input of [null, "event", 42, [valid()]]) {
      assert.deepEqual(parseFailoverEvent(input, settings, NOW), refused("event", "not an object"));
    }
  });

  it("a source other than the detector's; an operator's is refused with the way to promote", () => {
    assert.deepEqual(
      parse((e) => (e.source = "magento-dr.operator")),
      refused(
        "source",
        "operator requests by event are refused (an event cannot prove its sender): use npm run promote",
      ),
    );
    assert.deepEqual(
      parse((e) => (e.source = "aws.health")),
      refused("source", 'unknown source "aws.health"'),
    );
    assert.deepEqual(
      parse((e) => delete e.source),
      refused("source", "unknown source undefined"),
    );
  });

  it("another detail type, another account, no id", () => {
    assert.deepEqual(
      parse((e) => (e["detail-type"] = "RegionFailoverDone")),
      refused("detail-type", "expected RegionFailoverRequested"),
    );
    assert.deepEqual(
      parse((e) => (e.account = "210987654321")),
      refused("account", `account "210987654321" is not ${ACCOUNT}`),
    );
    assert.deepEqual(
      parse((e) => (e.id = "")),
      refused("id", "missing event id"),
    );
    assert.deepEqual(
      parse((e) => (e.id = 7)),
      refused("id", "missing event id"),
    );
  });

  it("its time: missing, unparseable, too old (60 s is the limit, inclusive), from the future (60 s of skew)", () => {
    assert.deepEqual(
      parse((e) => delete e.time),
      refused("time", "missing or unparseable time"),
    );
    assert.deepEqual(
      parse((e) => (e.time = "yesterday")),
      refused("time", "missing or unparseable time"),
    );
    assert.deepEqual(
      parse((e) => (e.time = NOW)),
      refused("time", "missing or unparseable time"),
    );
    assert.equal(parse(() => undefined, NOW + 60_000).ok, true, "exactly 60 s old");
    assert.deepEqual(
      parse(() => undefined, NOW + 60_001),
      refused("time", "event is 60 s old (limit 60 s)"),
    );
    assert.deepEqual(
      parse(() => undefined, NOW + 90_000),
      refused("time", "event is 90 s old (limit 60 s)"),
    );
    assert.equal(parse(() => undefined, NOW - 60_000).ok, true, "60 s ahead is skew");
    assert.deepEqual(
      parse(() => undefined, NOW - 60_001),
      refused("time", "event is from the future"),
    );
  });

  it("its detail: missing, a bad incident id, a bad mode", () => {
    for (const detail of [undefined, null, "x", []]) {
      assert.deepEqual(
        parse((e) => (e.detail = detail as never)),
        refused("detail", "missing detail"),
      );
    }
    const badId = refused("detail.incidentId", "expected 1-128 characters of [A-Za-z0-9._:@-]");
    for (const id of ["", "-starts-with-dash", "has space", "x".repeat(129), 12]) {
      assert.deepEqual(
        parse((e) => (e.detail.incidentId = id)),
        badId,
      );
    }
    assert.equal(parse((e) => (e.detail.incidentId = "a".repeat(128))).ok, true);
    assert.equal(parse((e) => (e.detail.incidentId = "op:alice@2026-11-29_1.x")).ok, true);
    assert.deepEqual(
      parse((e) => (e.detail.mode = "forced")),
      refused("detail.mode", 'expected "planned" or "unplanned"'),
    );
  });

  it("its regions: an unknown failed region, this region failing over to itself, another target", () => {
    assert.deepEqual(
      parse((e) => (e.detail.failedRegion = "ap-south-1")),
      refused("detail.failedRegion", 'unknown region "ap-south-1"'),
    );
    assert.deepEqual(
      parse((e) => (e.detail.failedRegion = STANDBY)),
      refused("detail.failedRegion", "this region cannot fail over to itself"),
    );
    assert.deepEqual(
      parse((e) => (e.detail.targetRegion = HOME)),
      refused("detail.targetRegion", "this orchestrator promotes only eu-west-1"),
    );
  });

  it("its epoch: a non-negative integer only (0 is one)", () => {
    const bad = refused("detail.epoch", "expected a non-negative integer");
    for (const epoch of [-1, 1.5, "3", Number.MAX_SAFE_INTEGER + 1, undefined]) {
      assert.deepEqual(
        parse((e) => (e.detail.epoch = epoch)),
        bad,
      );
    }
    assert.equal(parse((e) => (e.detail.epoch = 0)).ok, true);
  });

  it("a planned request by event: refused, the detector only requests unplanned failovers", () => {
    assert.deepEqual(
      parse((e) => (e.detail.mode = "planned")),
      refused("detail.mode", "the detector only requests unplanned failovers"),
    );
  });
});
