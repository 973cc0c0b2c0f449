// The member states of the European Union, as ISO 3166-1 alpha-2 codes: the
// countries whose shoppers an entry's `EU` jurisdiction item speaks to.
// 27 members since the United Kingdom left on 2020-01-31 (source:
// https://european-union.europa.eu/principles-countries-history/eu-countries_en).
// Greece is GR here (the EU's own abbreviation is EL). tests/js/country.test.js
// holds the table to that list; change both when membership changes.
export const EU_MEMBERS = Object.freeze([
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
  "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]);

export const EU_MEMBERS_AS_OF = "2020-02-01";
