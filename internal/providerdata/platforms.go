package providerdata

import "strings"

// Spec is one platform as the provider knows it: its block, how messages name it, the
// environment variable of each of its block's attributes, and how its requests are paced.
// Adding a platform starts here; the provider's blocks, environment lookups, "not configured"
// diagnostics and pacers all derive from this table.
type Spec struct {
	Platform Platform
	// Name is how diagnostics and logs name it.
	Name string
	// Env gives the environment variable of each block attribute, in the block's order.
	Env []EnvVar
	// Rate is its rate_limit attribute's default in requests a second: a published limit, kept
	// as a ceiling; 0 (no published limit) leaves the platform unpaced until it answers 429,
	// then adaptive (transport.Pacer). RateHelp says where the default comes from. S3 has no
	// rate_limit attribute.
	Rate     float64
	RateHelp string
}

// EnvVar is the environment variable a block attribute may come from.
type EnvVar struct{ Attr, Var string }

// Platforms is the table. S3's block is configured through the AWS SDK's own variables.
var Platforms = []Spec{
	{Platform: V7, Name: "V7 Darwin", RateHelp: "V7 Darwin as a whole. V7 publishes no API-wide figure: unpaced until V7 answers 429, then adaptive.",
		Env: []EnvVar{{"api_key", "V7_API_KEY"}, {"endpoint", "V7_ENDPOINT"}, {"team_slug", "V7_TEAM_SLUG"}}},
	{Platform: CodeOcean, Name: "Code Ocean", RateHelp: "Code Ocean. It publishes no limit (only that it answers 429): unpaced until it does, then adaptive.",
		Env: []EnvVar{{"domain", "CODEOCEAN_DOMAIN"}, {"token", "CODEOCEAN_API_TOKEN"}, {"endpoint", "CODEOCEAN_ENDPOINT"}}},
	{Platform: DANDI, Name: "DANDI Archive", RateHelp: "DANDI Archive. Its production settings limit anonymous users (500 requests a minute), not API keys: unpaced until it answers 429, then adaptive.",
		Env: []EnvVar{{"api_key", "DANDI_API_KEY"}, {"endpoint", "DANDI_ENDPOINT"}, {"manifest_endpoint", "DANDI_MANIFEST_ENDPOINT"}}},
	{Platform: YOUnite, Name: "YOUnite", RateHelp: "YOUnite. It publishes no limit: unpaced until it answers 429, then adaptive.",
		Env: []EnvVar{{"endpoint", "YOUNITE_ENDPOINT"}, {"token", "YOUNITE_TOKEN"}, {"zone_uuid", "YOUNITE_ZONE_UUID"}}},
	{Platform: Foundry, Name: "Palantir Foundry", Rate: 80, RateHelp: "Palantir Foundry. It documents 5,000 requests a minute for a user (service users: none); default 80.",
		Env: []EnvVar{{"hostname", "FOUNDRY_HOSTNAME"}, {"token", "FOUNDRY_TOKEN"}, {"endpoint", "FOUNDRY_ENDPOINT"}}},
	{Platform: S3, Name: "S3",
		Env: []EnvVar{{"region", "AWS_REGION"}, {"endpoint", "AWS_ENDPOINT_URL_S3"}, {"profile", "AWS_PROFILE"}, {"use_path_style", "AWS_S3_USE_PATH_STYLE"},
			{"bypass_governance_retention", "DATAPLATFORMS_S3_BYPASS_GOVERNANCE_RETENTION"}}},
}

// SpecOf is a platform's row of the table.
func SpecOf(p Platform) Spec {
	for _, s := range Platforms {
		if s.Platform == p {
			return s
		}
	}
	return Spec{Platform: p, Name: string(p)}
}

// DisplayName is how diagnostics name a platform.
func DisplayName(p Platform) string { return SpecOf(p).Name }

// EnvOf is the environment variable of a block attribute, or "" when it has none.
func EnvOf(p Platform, attr string) string {
	for _, e := range SpecOf(p).Env {
		if e.Attr == attr {
			return e.Var
		}
	}
	return ""
}

// EnvVars are the variables a platform block reads, in the order of its attributes.
func EnvVars(p Platform) []string {
	env := SpecOf(p).Env
	out := make([]string, len(env))
	for i, e := range env {
		out[i] = e.Var
	}
	return out
}

// EnvHelp lists the environment variables of a platform, for messages.
func EnvHelp(p Platform) string {
	vars := EnvVars(p)
	if len(vars) == 1 {
		return vars[0]
	}
	return strings.Join(vars[:len(vars)-1], ", ") + " and " + vars[len(vars)-1]
}
