package provider

import (
	"net/http"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

// field is one attribute of a platform block and where its value may come from (its
// environment variable is in providerdata's table).
type field struct {
	attr        string
	description string
	secret      bool
	// required: the platform cannot be used without it (after defaults).
	required bool
	check    validate.Check
	// def computes a default from the other values; nil means none.
	def func(values map[string]string) string
}

// platformSpec describes a platform block: its fields, and whether it works without any
// configuration (DANDI's public archive does).
type platformSpec struct {
	platform    providerdata.Platform
	description string
	fields      []field
	anonymous   bool
	// final marks a platform's retryable-looking answers that retrying cannot fix.
	final func(resp *http.Response, body []byte) bool
}

// env is the environment variable of a field, from providerdata's table.
func (s platformSpec) env(f field) string { return providerdata.EnvOf(s.platform, f.attr) }

func constant(s string) func(map[string]string) string {
	return func(map[string]string) string { return s }
}

// fromHost builds an endpoint from a host attribute, when it is set.
func fromHost(attr, format string) func(map[string]string) string {
	return func(v map[string]string) string {
		if v[attr] == "" {
			return ""
		}
		return "https://" + v[attr] + format
	}
}

const endpointHelp = "Base URL of the API; override it for a vendor sandbox, a private deployment or the local sandbox."

var platformSpecs = []platformSpec{
	{
		platform:    providerdata.V7,
		description: "V7 Darwin (`dataplatforms_v7_*`).",
		final:       v7.Final,
		fields: []field{
			{attr: "api_key", secret: true, required: true, check: validate.Secret,
				description: "V7 API key, sent as `Authorization: ApiKey <key>`."},
			{attr: "endpoint", check: validate.HTTPURL, def: constant("https://darwin.v7labs.com/api"),
				description: endpointHelp + " Default `https://darwin.v7labs.com/api`."},
			{attr: "team_slug", check: validate.Slug,
				description: "Team used by resources that do not set `team_slug`."},
		},
	},
	{
		platform:    providerdata.CodeOcean,
		description: "Code Ocean (`dataplatforms_codeocean_*`).",
		fields: []field{
			{attr: "domain", check: validate.Hostname,
				description: "Host name of the Code Ocean deployment, such as `acme.codeocean.com`."},
			{attr: "token", secret: true, required: true, check: validate.Secret,
				description: "Code Ocean access token (`cop_…`), sent as the Basic auth user name."},
			{attr: "endpoint", required: true, check: validate.HTTPURL, def: fromHost("domain", "/api/v1"),
				description: endpointHelp + " Default `https://<domain>/api/v1`; `domain` or `endpoint` must be set."},
		},
	},
	{
		platform:    providerdata.DANDI,
		description: "DANDI Archive (`dataplatforms_dandi_*`). Reading public dandisets needs no configuration; deleting needs an API key.",
		anonymous:   true,
		fields: []field{
			{attr: "api_key", secret: true, check: validate.Secret,
				description: "DANDI API key, sent as `Authorization: token <key>`."},
			{attr: "endpoint", check: validate.HTTPURL, def: constant("https://api.dandiarchive.org/api"),
				description: endpointHelp + " Default `https://api.dandiarchive.org/api`; the vendor sandbox is `https://api.sandbox.dandiarchive.org/api`."},
			{attr: "manifest_endpoint", check: validate.HTTPURL,
				def: func(v map[string]string) string { return dandi.ManifestBase(v["endpoint"]) },
				description: "Base URL of the published manifests (`dandisets/<id>/<version>/assets.jsonld`), which live in the instance's own bucket. " +
					"Default: the bucket of the instance `endpoint` names, `https://dandiarchive.s3.amazonaws.com` for production and " +
					"`https://dandi-api-staging-dandisets.s3.amazonaws.com` for the vendor sandbox. Any other `endpoint` needs it set " +
					"for `dataplatforms_dandi_assets`."},
		},
	},
	{
		platform:    providerdata.YOUnite,
		description: "YOUnite (`dataplatforms_younite_*`).",
		fields: []field{
			{attr: "endpoint", required: true, check: validate.HTTPURL,
				description: "Base URL of the YOUnite API, such as `https://younite.example.com/api`. There is no public default."},
			{attr: "token", secret: true, required: true, check: validate.Secret,
				description: "YOUnite bearer token."},
			{attr: "zone_uuid", check: validate.UUID,
				description: "Zone to act in when the token belongs to several zones."},
		},
	},
	{
		platform:    providerdata.Foundry,
		description: "Palantir Foundry (`dataplatforms_foundry_*`).",
		fields: []field{
			{attr: "hostname", check: validate.Hostname,
				description: "Host name of the Foundry stack, such as `acme.palantirfoundry.com`."},
			{attr: "token", secret: true, required: true, check: validate.Secret,
				description: "Foundry bearer token."},
			{attr: "endpoint", required: true, check: validate.HTTPURL, def: fromHost("hostname", "/api"),
				description: endpointHelp + " Default `https://<hostname>/api`; `hostname` or `endpoint` must be set."},
		},
	},
}
