package codeocean_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// The asset's identity is its id; an import block naming it imports the asset, and the
// configuration generated from it plans with no changes.
func TestAccCodeOceanDataAsset_importByIdentity(t *testing.T) {
	a := &assetTest{t: t}
	base := acctest.Unique("co-identity")
	cfg, vars := config.StaticFile("testdata/asset_aws.tf"), awsVars("scans "+base, base+"/raw", nil)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			a.plant(sandbox.BucketPlain, base+"/raw/a.nwb")
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             a.gone,
		Steps: append([]resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars, Check: a.capture},
		}, acctest.IdentitySteps(t, resource.TestStep{
			ConfigFile: cfg, ConfigVariables: vars, ResourceName: assetAddr, GenerateConfig: true,
		}, map[string]knownvalue.Check{"id": acctest.SameAsState})...),
	})
}
