import { describe, expect, it } from "vitest";
import { OutboundError } from "./outbound";
import { checkedUrl, type OutboundPolicy } from "./outbound-policy";

const settingNames = { allowedHosts: "workflows.requestHosts", allowPrivateNetwork: "workflows.allowPrivateNetwork" };
const byDefault: OutboundPolicy = { settingNames };

function refusal(url: string, policy: OutboundPolicy = byDefault): OutboundError {
  try {
    checkedUrl(url, policy);
  } catch (error) {
    if (error instanceof OutboundError) return error;
    throw error;
  }
  throw new Error(`${url} was allowed`);
}

describe("checkedUrl", () => {
  it("allows public http(s) hosts by default and answers the parsed URL", () => {
    expect(checkedUrl("https://api.example.com/v1?q=1", byDefault).href).toBe("https://api.example.com/v1?q=1");
    expect(checkedUrl("http://93.184.215.14:8080/", byDefault).port).toBe("8080");
    expect(checkedUrl("/next", byDefault, "https://api.example.com/first").href).toBe("https://api.example.com/next");
  });

  it.each([
    ["http://127.0.0.1:8080/", "a loopback address"],
    ["http://169.254.169.254/latest/meta-data/", "a link-local address"],
    ["http://localhost/", "a local host name (.localhost)"],
    ["http://api.localhost/", "a local host name (.localhost)"],
    ["http://[::1]/", "a loopback address"],
    ["http://2130706433/", "a loopback address"],
    ["http://0x7f.1/", "a loopback address"],
    ["http://0177.0.0.1/", "a loopback address"],
    ["http://[::ffff:127.0.0.1]/", "a loopback address, IPv4-mapped"],
    ["http://10.1.2.3/", "a private address"],
    ["http://192.168.0.1/", "a private address"],
    ["http://0.0.0.0/", "an unspecified address"],
    ["http://[fd00:ec2::254]/", "a unique-local address"],
    ["http://metadata/computeMetadata/v1/", "a single-label host name"],
    ["http://db.internal/", "a local host name (.internal)"],
  ])("blocks %s by default (%s)", (url, reason) => {
    const error = refusal(url);
    expect(error.code).toBe("EHOSTBLOCKED");
    expect(error.message).toContain(reason);
    expect(error.message).toContain("workflows.allowPrivateNetwork");
  });

  it("lets private hosts through when the policy allows the private network", () => {
    const open: OutboundPolicy = { settingNames, allowPrivateNetwork: true };
    for (const url of ["http://127.0.0.1:8080/", "http://localhost/", "http://[::1]/", "http://169.254.169.254/"]) expect(checkedUrl(url, open).href).toBe(new URL(url).href);
  });

  it("allows only the listed hosts when there is an allow-list, private ones still needing the private network", () => {
    const listed: OutboundPolicy = { settingNames, allowedHosts: ["api.example.com", "*.example.org", "127.0.0.1:8080"] };
    expect(checkedUrl("https://API.example.com/x", listed).hostname).toBe("api.example.com");
    expect(checkedUrl("https://a.b.example.org/x", listed).hostname).toBe("a.b.example.org");
    for (const url of ["https://example.org/", "https://evil.example.com/", "http://api.example.com.evil.net/"]) {
      const error = refusal(url, listed);
      expect(error.code).toBe("EHOSTBLOCKED");
      expect(error.message).toContain("is not in workflows.requestHosts");
    }
    expect(refusal("http://127.0.0.1:9090/", listed).message).toContain("is not in workflows.requestHosts");
    expect(refusal("http://127.0.0.1:8080/", listed).message).toContain("a loopback address");
    expect(checkedUrl("http://127.0.0.1:8080/", { ...listed, allowPrivateNetwork: true }).port).toBe("8080");
  });

  it("refuses what is not an http(s) URL as NocoBase does: Invalid URL", () => {
    for (const url of ["", "not a url", "ftp://example.com/", "file:///etc/passwd", "data:text/plain,x", "javascript:alert(1)"]) {
      const error = refusal(url);
      expect({ code: error.code, message: error.message }).toEqual({ code: "ERR_INVALID_URL", message: "Invalid URL" });
    }
  });
});
