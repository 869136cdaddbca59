// The config values that are lists or JSON objects (operator roles, HTTPS egress, search
// fallbacks, drill measurements) and the warnings, both sides of each check, as literal values:
// what is accepted comes back exactly, what is refused names the key, the value and what was
// expected, and nothing else is reported.
import * as assert from "assert";
import { k, parse, problems } from "./helpers/configParse";

const MEASUREMENT_EXPECTED =
  'an object of step name -> {"seconds", "worstSeconds" >= seconds, "source"}, e.g. {"database": {"seconds": 240, "worstSeconds": 420, "source": "drill 2026-11-20"}}';

describe("config: lists, JSON objects and warnings", () => {
  describe("recoveryMeasurements", () => {
    const measured = (m: unknown) => JSON.stringify({ database: m });

    it("absent or empty: no measurement", () => {
      assert.deepStrictEqual(parse({ recoveryMeasurements: undefined }).recoveryMeasurements, {});
      assert.deepStrictEqual(parse({ recoveryMeasurements: "" }).recoveryMeasurements, {});
    });

    it("a drill figure for a step of the timeline is taken as given, nothing more", () => {
      const value = { seconds: 240, worstSeconds: 420, source: "drill 2026-11-20", extra: 1 };
      assert.deepStrictEqual(
        parse({ recoveryMeasurements: measured(value) }).recoveryMeasurements,
        { database: { seconds: 240, worstSeconds: 420, source: "drill 2026-11-20" } },
      );
      // The bounds themselves: zero seconds, and a worst case equal to the typical one.
      assert.deepStrictEqual(
        parse({ recoveryMeasurements: measured({ seconds: 0, worstSeconds: 0, source: "d" }) })
          .recoveryMeasurements,
        { database: { seconds: 0, worstSeconds: 0, source: "d" } },
      );
    });

    it("refuses a negative, inverted, unsourced or mistyped figure, naming it", () => {
      for (const m of [
        { seconds: -1, worstSeconds: 10, source: "d" },
        { seconds: 240, worstSeconds: 239, source: "d" },
        { seconds: 240, worstSeconds: 420, source: "  " },
        { seconds: 240, worstSeconds: 420 },
        { seconds: "240", worstSeconds: 420, source: "d" },
        { seconds: 240, worstSeconds: "420", source: "d" },
        { seconds: 240, source: "d" },
        { worstSeconds: 420, source: "d" },
        { seconds: 240, worstSeconds: 420, source: 7 },
        null,
      ]) {
        assert.deepStrictEqual(
          problems({ recoveryMeasurements: measured(m) }),
          [
            `${k("recoveryMeasurements")} = ${JSON.stringify({ database: m })}: expected ${MEASUREMENT_EXPECTED}`,
          ],
          JSON.stringify(m),
        );
      }
    });

    it("refuses what is not an object of steps, and a step the timeline does not have", () => {
      for (const text of ["[1]", "null", "5", "not json"]) {
        assert.deepStrictEqual(problems({ recoveryMeasurements: text }), [
          `${k("recoveryMeasurements")} = ${JSON.stringify(text)}: expected ${MEASUREMENT_EXPECTED}`,
        ]);
      }
      const unknown = { seconds: 1, worstSeconds: 2, source: "d" };
      const [problem, ...rest] = problems({
        recoveryMeasurements: JSON.stringify({ nonsense: unknown }),
      });
      assert.deepStrictEqual(rest, []);
      assert.ok(
        problem.startsWith(
          `${k("recoveryMeasurements")} = {"nonsense":{"seconds":1,"worstSeconds":2,"source":"d"}}: expected a step of the timeline (`,
        ),
        problem,
      );
      assert.match(problem, /\(detection, .*database, .*media.*\)$/);
    });
  });

  describe("appEgressHttps", () => {
    it("splits CIDRs from managed prefix lists, in the order given", () => {
      const c = parse({
        appEgressHttps: JSON.stringify([
          "203.0.113.0/24",
          "pl-0123456789abcdef0",
          "0.0.0.0/0",
          "255.255.255.255/32",
          "pl-01234567",
        ]),
      });
      assert.deepStrictEqual(c.appEgressHttps, {
        cidrs: ["203.0.113.0/24", "0.0.0.0/0", "255.255.255.255/32"],
        prefixListIds: ["pl-0123456789abcdef0", "pl-01234567"],
      });
    });

    it("refuses an octet above 255, a prefix above /32, a short or non-hex list id, or extra text", () => {
      for (const entry of [
        "256.0.0.0/8",
        "10.0.0.300/32",
        "10.250.260.0/24",
        "10.0.0.0/33",
        "10.0.0.0",
        "pl-0123456",
        "pl-0123456789abcdef01",
        "pl-0123456g",
        "x10.0.0.0/8",
        "10.0.0.0/8x",
        "a.b.c.d/8",
      ]) {
        const value = JSON.stringify([entry]);
        assert.deepStrictEqual(
          problems({ appEgressHttps: value }),
          [
            `${k("appEgressHttps")} = ${JSON.stringify(value)}: expected a list of IPv4 CIDRs ("203.0.113.0/24") or managed prefix list ids ("pl-0123456789abcdef0")`,
          ],
          entry,
        );
      }
      assert.strictEqual(problems({ appEgressHttps: '"10.0.0.0/8"' }).length, 1, "not a list");
      assert.strictEqual(problems({ appEgressHttps: "[10]" }).length, 1, "not strings");
    });
  });

  describe("operatorRoleArns", () => {
    it("accepts role ARNs of any partition; absent or empty is none", () => {
      const arns = [
        "arn:aws:iam::123456789012:role/dr-operator",
        "arn:aws-us-gov:iam::123456789012:role/path/ops+dr=1,a.b@c-d",
      ];
      assert.deepStrictEqual(
        parse({ operatorRoleArns: JSON.stringify(arns) }).operatorRoleArns,
        arns,
      );
      assert.deepStrictEqual(parse({ operatorRoleArns: "" }).operatorRoleArns, []);
      assert.deepStrictEqual(parse({ operatorRoleArns: undefined }).operatorRoleArns, []);
    });

    it("refuses users, short accounts and anything around the ARN", () => {
      for (const arn of [
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::12345678901:role/dr",
        "arn:aws:iam::123456789012:role/",
        "xarn:aws:iam::123456789012:role/dr",
        "arn:aws:iam::123456789012:role/dr ops",
        "arn:aws1:iam::123456789012:role/dr",
      ]) {
        const value = JSON.stringify([arn]);
        assert.deepStrictEqual(
          problems({ operatorRoleArns: value }),
          [
            `${k("operatorRoleArns")} = ${JSON.stringify(value)}: expected a list of IAM role ARNs (arn:aws:iam::<account>:role/<name>)`,
          ],
          arn,
        );
      }
    });
  });

  describe("searchFallbackEndpoints", () => {
    it("accepts host names and https base URLs with a port; empty is none", () => {
      const hosts = ["vpc-b.eu-west-1.es.amazonaws.com", "https://search.example.com:9200", "a"];
      assert.deepStrictEqual(
        parse({ searchFallbackEndpoints: JSON.stringify(hosts) }).searchFallbackEndpoints,
        hosts,
      );
      assert.deepStrictEqual(parse({ searchFallbackEndpoints: "" }).searchFallbackEndpoints, []);
    });

    it("refuses http, a path, a six-digit port, a leading dot and a non-list", () => {
      for (const value of [
        '["http://search.example.com"]',
        '["search.example.com/x"]',
        '["search.example.com:123456"]',
        '["search.example.com:"]',
        '[".example.com"]',
        '"search.example.com"',
      ]) {
        assert.deepStrictEqual(
          problems({ searchFallbackEndpoints: value }),
          [
            `${k("searchFallbackEndpoints")} = ${JSON.stringify(value)}: expected a JSON list of distinct host names, such as ["vpc-search-b.eu-west-1.es.amazonaws.com"]`,
          ],
          value,
        );
      }
    });
  });

  describe("warnings and formats", () => {
    it("warns about MySQL 8.0's paid Extended Support, and only for 8.0", () => {
      assert.deepStrictEqual(parse({ dbEngineVersion: "8.0.40" }).warnings, [
        `${k("dbEngineVersion")} = "8.0.40": MySQL 8.0 left RDS standard support on 2026-07-31; a new instance runs in paid RDS Extended Support. Use 8.4 (LTS) unless something pins 8.0.`,
      ]);
      assert.deepStrictEqual(parse({ dbEngineVersion: "8.4.7" }).warnings, []);
      assert.deepStrictEqual(parse({ dbEngineVersion: "8.4" }).warnings, []);
    });

    it("search index prefix: magento2 by default; lower case, digits and underscores, anchored", () => {
      assert.strictEqual(parse({ searchIndexPrefix: undefined }).searchIndexPrefix, "magento2");
      assert.strictEqual(parse({ searchIndexPrefix: "shop_2" }).searchIndexPrefix, "shop_2");
      for (const prefix of ["2shop", "shop-2", "Shop", "xshop!", `a${"b".repeat(40)}`]) {
        assert.strictEqual(problems({ searchIndexPrefix: prefix }).length, 1, prefix);
      }
      assert.strictEqual(
        parse({ searchIndexPrefix: `a${"b".repeat(39)}` }).searchIndexPrefix.length,
        40,
      );
    });

    it("search engine version and instance types are matched whole", () => {
      for (const [key, value] of [
        ["searchEngineVersion", "OpenSearch_2.11x"],
        ["searchEngineVersion", "OpenSearch_2.x"],
        ["searchEngineVersion", "OpenSearch_x.11"],
        ["searchInstanceType", "xr6g.large.search.x"],
        ["searchInstanceType", "r6g.large.searchx"],
      ]) {
        assert.ok(problems({ [key]: value }).length >= 1, `${key} = ${value}`);
      }
    });
  });
});
