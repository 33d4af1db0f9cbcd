package dandi_test

import (
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
)

func TestManifestBaseFollowsTheInstance(t *testing.T) {
	for endpoint, want := range map[string]string{
		"https://api.dandiarchive.org/api":           "https://dandiarchive.s3.amazonaws.com",
		"https://api.dandiarchive.org/api/":          "https://dandiarchive.s3.amazonaws.com",
		"https://API.sandbox.dandiarchive.org/api":   "https://dandi-api-staging-dandisets.s3.amazonaws.com",
		"https://api-staging.dandiarchive.org/api":   "https://dandi-api-staging-dandisets.s3.amazonaws.com",
		"https://dandi.example.org/api":              "",
		"http://api.dandiarchive.org/api":            "",
		"https://api.dandiarchive.org/other":         "",
		"https://api-dandi.sandbox.emberarchive.org": "",
	} {
		if got := dandi.ManifestBase(endpoint); got != want {
			t.Errorf("ManifestBase(%q) = %q, want %q", endpoint, got, want)
		}
	}
}
