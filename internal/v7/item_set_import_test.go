package v7

import (
	"strings"
	"testing"
)

// An import id names the team (or the provider's), the dataset, the connection when it must,
// and the set's folder; anything else is refused with the forms it takes.
func TestParseSetImport(t *testing.T) {
	t.Parallel()
	ok := map[string]setImport{
		"acme/scans:/2024":                 {Team: "acme", Dataset: "scans", Path: "/2024"},
		"acme/scans:/2024/ct":              {Team: "acme", Dataset: "scans", Path: "/2024/ct"},
		"scans:/a":                         {Dataset: "scans", Path: "/a"},
		"acme/scans/My S3 bucket:/a":       {Team: "acme", Dataset: "scans", Storage: "My S3 bucket", Path: "/a"},
		"acme/scans/conn/with/slashes:/a":  {Team: "acme", Dataset: "scans", Storage: "conn/with/slashes", Path: "/a"},
		"acme/scans:/folder:with:colons/b": {Team: "acme", Dataset: "scans", Path: "/folder:with:colons/b"},
	}
	for id, want := range ok {
		got, err := parseSetImport(id)
		if err != nil || got != want {
			t.Errorf("parseSetImport(%q) = %+v, %v; want %+v", id, got, err, want)
		}
	}
	for _, id := range []string{
		"", "acme/scans", "acme/scans:2024", "acme/scans:/", "Acme/scans:/a", "acme/:/a", "/scans:/a",
		"acme/scans/ bad :/a", "acme/scans:/a/../b", "acme/scans:/a/",
	} {
		_, err := parseSetImport(id)
		if err == nil {
			t.Errorf("parseSetImport(%q) accepted", id)
			continue
		}
		if !strings.Contains(err.Error(), "<team_slug>/<dataset_slug>:<path>") || !strings.Contains(err.Error(), "Not "+`"`+id+`"`) {
			t.Errorf("parseSetImport(%q): %v does not give the forms and the id", id, err)
		}
	}
}
