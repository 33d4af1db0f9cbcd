package providerdata_test

import (
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

func TestRequire(t *testing.T) {
	var none *providerdata.Data
	if c, diags := none.Require(providerdata.V7, "dataplatforms_v7_item"); c != nil || !diags.HasError() ||
		!strings.Contains(diags[0].Detail(), "dataplatforms_v7_item was used before the provider was configured") {
		t.Errorf("nil data: %v %v", c, diags)
	}
	d := providerdata.New("test")
	d.SetUnconfigured(providerdata.Foundry, "FOUNDRY_TOKEN is empty.")
	_, diags := d.Require(providerdata.Foundry, "dataplatforms_foundry_dataset_file")
	if !diags.HasError() || diags[0].Summary() != "The Palantir Foundry platform is not configured" ||
		!strings.Contains(diags[0].Detail(), `dataplatforms_foundry_dataset_file needs the provider's "foundry" block`) ||
		!strings.Contains(diags[0].Detail(), "FOUNDRY_HOSTNAME, FOUNDRY_TOKEN and FOUNDRY_ENDPOINT") ||
		!strings.Contains(diags[0].Detail(), "FOUNDRY_TOKEN is empty.") {
		t.Errorf("unconfigured: %v", diags)
	}
	d.Set(providerdata.Foundry, &providerdata.Conn{Endpoint: "https://f/api"})
	if c, diags := d.Require(providerdata.Foundry, "x"); diags.HasError() || c.Endpoint != "https://f/api" {
		t.Errorf("configured: %v %v", c, diags)
	}
}
