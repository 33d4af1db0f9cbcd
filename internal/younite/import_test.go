package younite

import "testing"

func TestParseImportID(t *testing.T) {
	const zone, dr = "6f1c2a9e-3d4b-4c5d-8e7f-9a0b1c2d3e4f", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	ok := map[string][3]string{
		dr:                          {"", dr, ""},
		zone + "/" + dr:             {zone, dr, ""},
		dr + "/states":              {"", dr, "states"},
		zone + "/" + dr + "/states": {zone, dr, "states"},
	}
	for id, want := range ok {
		z, d, domain, err := parseImportID(id)
		if err != nil || [3]string{z, d, domain} != want {
			t.Errorf("parseImportID(%q) = %q, %q, %q, %v; want %q", id, z, d, domain, err, want)
		}
	}
	for _, id := range []string{"", "x", dr + "/", "/" + dr, dr + "/ab", zone + "/x/states", zone + "/" + dr + "/states/v1", "states/" + zone} {
		if _, _, _, err := parseImportID(id); err == nil {
			t.Errorf("parseImportID(%q): no error", id)
		}
	}
}
