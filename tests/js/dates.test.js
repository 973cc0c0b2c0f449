import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIsoDate } from "../../extension/lib/dates.js";

test("formats a reviewed date in the language of the messages", () => {
  assert.equal(formatIsoDate("2026-10-01", "en"), "October 1, 2026");
  assert.equal(formatIsoDate("2026-10-01", "de"), "1. Oktober 2026");
  assert.equal(formatIsoDate("2026-10-01", "fr"), "1 octobre 2026");
  assert.equal(formatIsoDate("2026-10-01", "es"), "1 de octubre de 2026");
  assert.match(formatIsoDate("2026-10-01", "ru"), /^1 октября 2026/);
});

test("the date does not shift with the time zone", () => {
  assert.equal(formatIsoDate("2026-01-01", "en"), "January 1, 2026");
  assert.equal(formatIsoDate("2026-12-31", "en"), "December 31, 2026");
});

test("anything that is not a date is shown as given", () => {
  assert.equal(formatIsoDate("2026-13-45", "en"), "2026-13-45");
  assert.equal(formatIsoDate("yesterday", "en"), "yesterday");
  assert.equal(formatIsoDate(undefined, "en"), "");
  assert.equal(formatIsoDate("2026-10-01", "not a locale!"), "2026-10-01");
});
