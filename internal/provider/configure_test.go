package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// configure runs Configure on a configuration whose blocks hold the given string attributes
// (absent blocks are null) and returns the provider data and the diagnostics' text.
func configure(t *testing.T, blocks map[string]map[string]string) (*providerdata.Data, string) {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	objType := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		attrs, present := blocks[name]
		if !present {
			vals[name] = tftypes.NewValue(typ, nil)
			continue
		}
		bt := typ.(tftypes.Object)
		inner := map[string]tftypes.Value{}
		for an, at := range bt.AttributeTypes {
			if v, ok := attrs[an]; ok {
				inner[an] = tftypes.NewValue(at, v)
			} else {
				inner[an] = tftypes.NewValue(at, nil)
			}
		}
		vals[name] = tftypes.NewValue(bt, inner)
	}
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, vals)}}
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	var msgs []string
	for _, d := range resp.Diagnostics {
		msgs = append(msgs, d.Summary()+": "+d.Detail())
	}
	data, _ := resp.ResourceData.(*providerdata.Data)
	return data, strings.Join(msgs, "\n")
}

// clearEnv unsets every provider variable for the test (tests using it cannot run in parallel).
func clearEnv(t *testing.T) {
	for _, p := range providerdata.Platforms {
		for _, v := range providerdata.EnvVars(p.Platform) {
			t.Setenv(v, "")
		}
	}
}

func TestConfigureFromBlocks(t *testing.T) {
	clearEnv(t)
	data, diags := configure(t, map[string]map[string]string{
		"v7":        {"api_key": "v7-secret"},
		"codeocean": {"domain": "acme.codeocean.com", "token": "cop_secret"},
		"foundry":   {"hostname": "acme.palantirfoundry.com", "token": "ft"},
	})
	if diags != "" || data == nil {
		t.Fatalf("diagnostics: %s", diags)
	}
	for p, want := range map[providerdata.Platform]string{
		providerdata.V7:        "https://darwin.v7labs.com/api",
		providerdata.CodeOcean: "https://acme.codeocean.com/api/v1",
		providerdata.Foundry:   "https://acme.palantirfoundry.com/api",
		providerdata.DANDI:     "https://api.dandiarchive.org/api",
	} {
		c := data.Conn(p)
		if c == nil || c.Endpoint != want || c.HTTP == nil {
			t.Errorf("%s: conn %+v, want endpoint %s", p, c, want)
		}
	}
	if data.Conn(providerdata.V7).Secret != "v7-secret" || data.Conn(providerdata.DANDI).Settings["manifest_endpoint"] != "https://dandiarchive.s3.amazonaws.com" {
		t.Errorf("settings not resolved: %+v %+v", data.Conn(providerdata.V7), data.Conn(providerdata.DANDI))
	}
	if data.Conn(providerdata.YOUnite) != nil {
		t.Error("younite configured without block or environment")
	}
	_, d := data.Require(providerdata.YOUnite, "dataplatforms_younite_data_record")
	if !d.HasError() || !strings.Contains(d[0].Detail(), `"younite" block`) || !strings.Contains(d[0].Detail(), "YOUNITE_TOKEN") ||
		!strings.Contains(d[0].Detail(), "dataplatforms_younite_data_record") {
		t.Errorf("unconfigured diagnostic: %v", d)
	}
}

func TestConfigureFromEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv("YOUNITE_ENDPOINT", "http://127.0.0.1:9/api")
	t.Setenv("YOUNITE_TOKEN", "yt")
	t.Setenv("YOUNITE_ZONE_UUID", "123e4567-e89b-12d3-a456-426614174000")
	t.Setenv("V7_API_KEY", "from-env")
	data, diags := configure(t, map[string]map[string]string{"v7": {"api_key": "from-config"}})
	if diags != "" {
		t.Fatal(diags)
	}
	if c := data.Conn(providerdata.YOUnite); c == nil || c.Endpoint != "http://127.0.0.1:9/api" || c.Settings["zone_uuid"] == "" {
		t.Errorf("younite from env: %+v", c)
	}
	if got := data.Conn(providerdata.V7).Secret; got != "from-config" {
		t.Errorf("configuration must win over the environment, got %q", got)
	}
}

func TestConfigureExplicitBlockErrors(t *testing.T) {
	clearEnv(t)
	_, diags := configure(t, map[string]map[string]string{
		"codeocean": {"token": "cop_x"},
		"younite":   {"endpoint": "https://y/api", "token": "t", "zone_uuid": "zone-1"},
	})
	for _, want := range []string{"Missing codeocean.endpoint", "CODEOCEAN_ENDPOINT", "Invalid younite.zone_uuid", "not a UUID"} {
		if !strings.Contains(diags, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, diags)
		}
	}
}

func TestConfigurePartialEnvironmentIsReportedWhenUsed(t *testing.T) {
	clearEnv(t)
	t.Setenv("FOUNDRY_TOKEN", "only-a-token")
	data, diags := configure(t, nil)
	if diags != "" {
		t.Fatalf("a partial environment must not fail platforms that are not used: %s", diags)
	}
	_, d := data.Require(providerdata.Foundry, "dataplatforms_foundry_dataset_file")
	if !d.HasError() || !strings.Contains(d[0].Detail(), "FOUNDRY_HOSTNAME") || strings.Contains(d[0].Detail(), "only-a-token") {
		t.Errorf("diagnostic: %v", d)
	}
}

func TestConfigureRejectsMalformedEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv("V7_ENDPOINT", "darwin.v7labs.com/api")
	t.Setenv("DATAPLATFORMS_RETRY_MAX_ATTEMPTS", "100")
	_, diags := configure(t, map[string]map[string]string{"v7": {"api_key": "k"}})
	for _, want := range []string{"environment variable V7_ENDPOINT", "must start with https://", "DATAPLATFORMS_RETRY_MAX_ATTEMPTS"} {
		if !strings.Contains(diags, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, diags)
		}
	}
}

func TestSecretsNeverInDiagnostics(t *testing.T) {
	clearEnv(t)
	_, diags := configure(t, map[string]map[string]string{"v7": {"api_key": " padded-secret-value"}})
	if !strings.Contains(diags, "white space") || strings.Contains(diags, "padded-secret-value") {
		t.Errorf("diagnostics: %s", diags)
	}
}

// The manifest base follows the DANDI endpoint for the instances the provider knows, and is
// left unset (never production's) for any other; a configured one always wins.
func TestConfigureDandiManifestFollowsTheEndpoint(t *testing.T) {
	for _, tc := range []struct {
		block map[string]string
		want  string
	}{
		{map[string]string{"endpoint": "https://api.sandbox.dandiarchive.org/api"}, "https://dandi-api-staging-dandisets.s3.amazonaws.com"},
		{map[string]string{"endpoint": "https://dandi.example.org/api"}, ""},
		{map[string]string{"endpoint": "https://dandi.example.org/api", "manifest_endpoint": "https://bucket.example.org"}, "https://bucket.example.org"},
	} {
		clearEnv(t)
		data, diags := configure(t, map[string]map[string]string{"dandi": tc.block})
		if diags != "" || data == nil {
			t.Fatalf("%v: %s", tc.block, diags)
		}
		if got := data.Conn(providerdata.DANDI).Settings["manifest_endpoint"]; got != tc.want {
			t.Errorf("%v: manifest_endpoint %q, want %q", tc.block, got, tc.want)
		}
	}
}
