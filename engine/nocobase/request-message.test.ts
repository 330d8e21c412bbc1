import { describe, expect, it } from "vitest";
import { DEFAULT_REQUEST_TIMEOUT_MS, outboundRequestOf } from "./request-message";

const url = "https://api.example.com/items";

describe("outboundRequestOf", () => {
  it("defaults to a POST of JSON within 5 s", () => {
    expect(outboundRequestOf({ url, data: { a: 1 } }, "B")).toEqual({
      url,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"a":1}',
      timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    });
  });

  it("sends no body with a GET, nor when there is no data", () => {
    expect(outboundRequestOf({ url, method: "GET", data: { a: 1 } }, "B")).toEqual({ url, method: "GET", headers: {}, timeoutMs: 5_000 });
    expect(outboundRequestOf({ url, method: "delete", timeout: 250 }, "B")).toEqual({ url, method: "DELETE", headers: {}, timeoutMs: 250 });
  });

  it("trims header and parameter names and values, ignores a Content-Type header and items without a name", () => {
    const request = outboundRequestOf(
      {
        url: ` ${url}?x=1#top `,
        method: "PUT",
        contentType: "text/plain",
        headers: [{ name: " Authorization ", value: "abc\n" }, { name: "content-type", value: "text/html" }, { value: "orphan" }, { name: "X-N", value: 5 }],
        params: [{ name: "q", value: " a b&c " }, { name: "", value: "none" }, { name: "empty" }],
        data: "hello",
      },
      "B",
    );
    expect(request).toEqual({ url: `${url}?x=1&q=a+b%26c&empty=`, method: "PUT", headers: { Authorization: "abc", "X-N": "5", "Content-Type": "text/plain" }, body: "hello", timeoutMs: 5_000 });
  });

  it("encodes JSON as axios does: valid JSON text as it is, other strings and scalars as JSON", () => {
    const body = (data: unknown, contentType?: string) => outboundRequestOf({ url, data, ...(contentType === undefined ? {} : { contentType }) }, "B").body;
    expect(body(' {"a": 1} ')).toBe('{"a": 1}');
    expect(body("plain")).toBe('"plain"');
    expect(body(5)).toBe("5");
    expect(body([1, "x"])).toBe('[1,"x"]');
    expect(body({ at: new Date("2024-01-02T03:04:05.000Z") })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
    expect(body({ a: 1 }, "application/xml")).toBe('{"a":1}');
    expect(body("<a/>", "application/xml")).toBe("<a/>");
    expect(body({ a: 1 }, "text/plain")).toBe("[object Object]");
  });

  it("sends x-www-form-urlencoded data from a list of {name, value}, skipping items without a name or value", () => {
    const request = outboundRequestOf({ url, contentType: "application/x-www-form-urlencoded", data: [{ name: "a", value: "1 2" }, { name: "b", value: 3 }, { name: "", value: "x" }, { name: "c" }] }, "B");
    expect(request).toMatchObject({ headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1+2&b=3" });
    expect(() => outboundRequestOf({ url, contentType: "application/x-www-form-urlencoded", data: { a: 1 } }, "B")).toThrow(TypeError);
  });

  it("sends multipart/form-data text fields under the given boundary and refuses file fields", () => {
    const request = outboundRequestOf({ url, contentType: "multipart/form-data", data: [{ valueType: "text", name: 'a"b', text: "one" }, { valueType: "text", name: "c", text: 2 }] }, "XYZ");
    expect(request.headers).toEqual({ "Content-Type": "multipart/form-data; boundary=XYZ" });
    expect(request.body).toBe('--XYZ\r\nContent-Disposition: form-data; name="a%22b"\r\n\r\none\r\n--XYZ\r\nContent-Disposition: form-data; name="c"\r\n\r\n2\r\n--XYZ--\r\n');
    expect(() => outboundRequestOf({ url, contentType: "multipart/form-data", data: [{ valueType: "file", name: "f", file: {} }] }, "B")).toThrow(/file fields are not supported/);
  });

  it("falls back to the default timeout when the configured one is not a positive number", () => {
    for (const timeout of [0, -1, "soon", null]) expect(outboundRequestOf({ url, timeout }, "B").timeoutMs).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(outboundRequestOf({ url, timeout: "250" }, "B").timeoutMs).toBe(250);
  });
});
