import { describe, expect, it } from "vitest";
import { redirectedHop, type Hop } from "./redirect";

const post: Hop = {
  url: new URL("https://api.example.com/form"),
  method: "POST",
  headers: { "Content-Type": "application/json", "Content-Length": "7", Authorization: "Bearer t", Cookie: "s=1", "X-Trace": "a" },
  body: '{"a":1}',
};

describe("redirectedHop", () => {
  it("turns a POST into a GET without body or Content-* headers after 301, 302 and 303", () => {
    for (const status of [301, 302, 303]) {
      const next = redirectedHop(post, status, new URL("https://api.example.com/done"));
      expect(next).toEqual({ url: new URL("https://api.example.com/done"), method: "GET", headers: { Authorization: "Bearer t", Cookie: "s=1", "X-Trace": "a" } });
    }
  });

  it("keeps the method and body after 307 and 308, and a PUT after 301", () => {
    for (const status of [307, 308]) expect(redirectedHop(post, status, new URL("https://api.example.com/again"))).toMatchObject({ method: "POST", body: post.body, headers: post.headers });
    expect(redirectedHop({ ...post, method: "PUT" }, 301, new URL("https://api.example.com/x"))).toMatchObject({ method: "PUT", body: post.body });
    expect(redirectedHop({ ...post, method: "PUT" }, 303, new URL("https://api.example.com/x"))).toMatchObject({ method: "GET" });
  });

  it("sends credentials on to the same host and its subdomains only, never from https down to http", () => {
    const credentials = (url: string) => Object.keys(redirectedHop(post, 307, new URL(url)).headers).filter((h) => /authorization|cookie/i.test(h));
    expect(credentials("https://api.example.com/x")).toEqual(["Authorization", "Cookie"]);
    expect(credentials("https://eu.api.example.com/x")).toEqual(["Authorization", "Cookie"]);
    expect(credentials("https://example.com/x")).toEqual([]);
    expect(credentials("https://api.example.com:8443/x")).toEqual([]);
    expect(credentials("http://api.example.com/x")).toEqual([]);
  });

  it("never carries a Host header to the next hop", () => {
    expect(redirectedHop({ ...post, headers: { Host: "api.example.com" } }, 307, new URL("https://other.example.net/")).headers).toEqual({});
  });
});
