package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// probe makes terraform configure the provider: it reads one platform's connection.
const probe = `
data "dataplatforms_acctest_probe" "p" {
  platform = "dandi"
}
`

func TestAccProvider_validateRejectsMalformedValues(t *testing.T) {
	cases := map[string]struct {
		config string
		want   string
	}{
		"endpoint without scheme": {`provider "dataplatforms" {
  v7 {
    api_key  = "k"
    endpoint = "darwin.v7labs.com/api"
  }
}`, `must start with https://`},
		"domain with scheme": {`provider "dataplatforms" {
  codeocean {
    domain = "https://acme.codeocean.com"
    token  = "cop_x"
  }
}`, `must be a host name only`},
		"zone not a uuid": {`provider "dataplatforms" {
  younite {
    endpoint  = "https://y.example.com/api"
    token     = "t"
    zone_uuid = "zone-1"
  }
}`, `is not a UUID`},
		"retry out of range": {`provider "dataplatforms" {
  retry { max_attempts = 0 }
}`, `must be between 1 and 20`},
		"bad duration": {`provider "dataplatforms" {
  retry { max_wait = "forever" }
}`, `is not a duration`},
		"secret with white space": {`provider "dataplatforms" {
  dandi { api_key = " key" }
}`, `starts or ends with white space`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProbeFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config + probe,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccProvider_unconfiguredPlatformFailsAtPlan(t *testing.T) {
	for _, v := range []string{"YOUNITE_ENDPOINT", "YOUNITE_TOKEN", "YOUNITE_ZONE_UUID"} {
		t.Setenv(v, "")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProbeFactories,
		Steps: []resource.TestStep{{
			Config: `data "dataplatforms_acctest_probe" "p" {
  platform = "younite"
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)The YOUnite platform is not configured.*"younite"\s+block.*YOUNITE_ENDPOINT,\s+YOUNITE_TOKEN\s+and\s+YOUNITE_ZONE_UUID`),
		}},
	})
}

func TestAccProvider_readsEndpointsFromTheEnvironment(t *testing.T) {
	t.Setenv("DANDI_ENDPOINT", "http://127.0.0.1:1/dandi-from-env")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProbeFactories,
		Steps: []resource.TestStep{
			{
				Config: `provider "dataplatforms" {}` + probe,
				Check:  resource.TestCheckResourceAttr("data.dataplatforms_acctest_probe.p", "endpoint", "http://127.0.0.1:1/dandi-from-env"),
			},
			{
				Config: `provider "dataplatforms" {
  dandi { endpoint = "https://api.sandbox.dandiarchive.org/api" }
}` + probe,
				Check: resource.TestCheckResourceAttr("data.dataplatforms_acctest_probe.p", "endpoint", "https://api.sandbox.dandiarchive.org/api"),
			},
		},
	})
}
