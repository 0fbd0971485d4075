import { describe, expect, it } from "vitest";
import {
  ALL_PORTS,
  formatRange,
  isAllPorts,
  parsePortRange,
  portsOutside,
  rangeIncludes,
} from "../../lib/ports";

describe("ports", () => {
  it("parses every way DigitalOcean writes ports", () => {
    expect(parsePortRange("3100")).toEqual({ from: 3100, to: 3100 });
    expect(parsePortRange(" 3000 - 3200 ")).toEqual({ from: 3000, to: 3200 });
    expect(parsePortRange(22)).toEqual({ from: 22, to: 22 });
    for (const all of ["all", "ALL", "0", "", undefined, null, "1-65535"])
      expect(parsePortRange(all)).toEqual(ALL_PORTS);
  });

  it("fails closed on nonsense", () => {
    for (const bad of ["abc", "22,80", "70000", "200-100", "-1", "0-10", {}])
      expect(parsePortRange(bad)).toEqual(ALL_PORTS);
  });

  it("answers membership, all-ports and gaps", () => {
    expect(rangeIncludes({ from: 3000, to: 3200 }, 3100)).toBe(true);
    expect(rangeIncludes({ from: 3000, to: 3200 }, 3201)).toBe(false);
    expect(isAllPorts(ALL_PORTS)).toBe(true);
    expect(isAllPorts({ from: 2, to: 65535 })).toBe(false);
    expect(portsOutside({ from: 1, to: 1000 }, [22, 80, 443])).toEqual([
      "1-21",
      "23-79",
      "81-442",
      "444-1000",
    ]);
    expect(portsOutside({ from: 80, to: 80 }, [22, 80, 443])).toEqual([]);
    expect(portsOutside({ from: 443, to: 444 }, [443])).toEqual(["444"]);
    expect(formatRange(ALL_PORTS)).toBe("all ports");
  });
});

// Boundary cases for the port helpers.
describe("ports: boundaries", () => {
  it("accepts the extremes and refuses just past them", () => {
    expect(parsePortRange("1")).toEqual({ from: 1, to: 1 });
    expect(parsePortRange("65535")).toEqual({ from: 65535, to: 65535 });
    expect(parsePortRange("65536")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("5-5")).toEqual({ from: 5, to: 5 });
    expect(parsePortRange("6-5")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("100000")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("x22")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("22x")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("22-")).toEqual({ from: 1, to: 65535 });
  });

  it("lists gaps with duplicate, unsorted and out-of-range allowed ports", () => {
    expect(portsOutside({ from: 20, to: 30 }, [443, 22, 22, 7, 30])).toEqual(["20-21", "23-29"]);
    expect(portsOutside({ from: 22, to: 22 }, [22])).toEqual([]);
    expect(portsOutside({ from: 21, to: 23 }, [22])).toEqual(["21", "23"]);
    expect(formatRange({ from: 7, to: 7 })).toBe("7");
    expect(formatRange({ from: 7, to: 9 })).toBe("7-9");
    expect(formatRange({ from: 1, to: 65534 })).toBe("1-65534");
  });
});

describe("ports: allowed ports in any order", () => {
  it("lists the same gaps whatever order the allowed ports are configured in", () => {
    const gaps = ["1-21", "23-79", "81-442", "444-1000"];
    expect(portsOutside({ from: 1, to: 1000 }, [443, 80, 22])).toEqual(gaps);
    expect(portsOutside({ from: 1, to: 1000 }, [80, 443, 22])).toEqual(gaps);
    // As stack-firewall-coverage reads `tradingInboundPorts: [3100, 22]`: nothing between is allowed.
    expect(portsOutside({ from: 1, to: 65535 }, [3100, 22])).toEqual(["1-21", "23-3099", "3101-65535"]);
  });
});
