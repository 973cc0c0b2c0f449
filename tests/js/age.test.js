import { test } from "node:test";
import assert from "node:assert/strict";
import { ageOf } from "../../extension/lib/age.js";

const now = Date.parse("2026-11-28T12:00:00Z");

test("ageOf picks the largest whole unit", () => {
  assert.deepEqual(ageOf("2026-11-28T11:59:30Z", now), { unit: "now", count: 0 });
  assert.deepEqual(ageOf("2026-11-28T11:55:00Z", now), { unit: "minute", count: 5 });
  assert.deepEqual(ageOf("2026-11-28T09:00:00Z", now), { unit: "hour", count: 3 });
  assert.deepEqual(ageOf("2026-11-25T11:00:00Z", now), { unit: "day", count: 3 });
});

test("ageOf accepts numbers and dates, and clamps the future to now", () => {
  assert.deepEqual(ageOf(now - 120_000, now), { unit: "minute", count: 2 });
  assert.deepEqual(ageOf(new Date(now + 5_000), now), { unit: "now", count: 0 });
});

test("ageOf returns null for something that is not a time", () => {
  assert.equal(ageOf("garbage", now), null);
  assert.equal(ageOf(undefined, now), null);
});
