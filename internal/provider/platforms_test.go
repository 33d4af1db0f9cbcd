package provider

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// The provider's blocks and providerdata's table agree: every attribute of a platform block
// (and of the s3 block) has the table's environment variable, and the table names no variable
// of an attribute the block lacks.
func TestBlocksAndTheTableOfPlatformsAgree(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for _, p := range providerdata.Platforms {
		block, ok := resp.Schema.Blocks[string(p.Platform)]
		if !ok {
			t.Errorf("the table's platform %q has no provider block", p.Platform)
			continue
		}
		attrs := block.GetNestedObject().GetAttributes()
		for name := range attrs {
			if providerdata.EnvOf(p.Platform, name) == "" {
				t.Errorf("%s.%s has no environment variable in providerdata.Platforms", p.Platform, name)
			}
		}
		for _, e := range p.Env {
			if _, ok := attrs[e.Attr]; !ok {
				t.Errorf("providerdata.Platforms names %s for %s.%s, which the block does not have", e.Var, p.Platform, e.Attr)
			}
		}
	}
	for _, spec := range platformSpecs {
		if providerdata.SpecOf(spec.platform).Name == string(spec.platform) {
			t.Errorf("platform block %q is not in providerdata.Platforms", spec.platform)
		}
	}
}

// The docs name every environment variable the provider reads.
func TestDocsNameEveryVariable(t *testing.T) {
	docs, err := os.ReadFile("../../docs/index.md")
	if err != nil {
		t.Fatal(err)
	}
	vars := []string{EnvRetryMaxAttempts, EnvRetryMaxWait}
	for _, p := range providerdata.Platforms {
		vars = append(vars, providerdata.EnvVars(p.Platform)...)
	}
	for _, s := range rateSettings() {
		vars = append(vars, rateEnv(s.attr))
	}
	if len(vars) < 25 || !slices.Contains(vars, "V7_API_KEY") {
		t.Fatalf("the variables were not all collected: %v", vars)
	}
	for _, v := range vars {
		if !strings.Contains(string(docs), "`"+v+"`") {
			t.Errorf("docs/index.md does not name %s", v)
		}
	}
}

// The plugin's logs are silenced only when no log level is asked for.
func TestQuietLogLevels(t *testing.T) {
	for _, v := range logLevels {
		t.Setenv(v, "")
	}
	if got := QuietLogLevels(); len(got) != 4 || got[0] != providerLogLevel {
		t.Errorf("no level asked: %q, want the provider's and the 3 SDK levels", got)
	}
	for _, v := range logLevels {
		t.Setenv(v, "DEBUG")
		if got := QuietLogLevels(); len(got) != 0 {
			t.Errorf("%s set: %q, want none silenced", v, got)
		}
		t.Setenv(v, "")
	}
}
