package dandi

import (
	"net/url"
	"strings"
)

// The manifests live in the instance's own bucket (DJANGO_STORAGE_BUCKET_NAME, deployment
// configuration), so the manifest base follows the API endpoint. Known instances:
//   - production, https://api.dandiarchive.org/api: bucket dandiarchive;
//   - the vendor's sandbox, https://api.sandbox.dandiarchive.org/api (formerly
//     api-staging.dandiarchive.org): bucket dandi-api-staging-dandisets, as DANDI's own
//     infrastructure code and backup tooling name the staging instance's bucket (that the
//     sandbox kept the staging bucket when it was renamed is inferred).
var manifestBases = map[string]string{
	"api.dandiarchive.org":         "https://dandiarchive.s3.amazonaws.com",
	"api.sandbox.dandiarchive.org": "https://dandi-api-staging-dandisets.s3.amazonaws.com",
	"api-staging.dandiarchive.org": "https://dandi-api-staging-dandisets.s3.amazonaws.com",
}

// ManifestBase is the manifest base URL of a known instance's API endpoint, "" for any other
// endpoint (whose bucket the provider cannot know).
func ManifestBase(endpoint string) string {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Scheme != "https" || strings.TrimRight(u.Path, "/") != "/api" {
		return ""
	}
	return manifestBases[strings.ToLower(u.Host)]
}
