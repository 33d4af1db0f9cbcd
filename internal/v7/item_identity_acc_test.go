package v7_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
)

// The item's identity is its team and id; an import block naming it imports the item (the
// storage connection found, as for <team_slug>/<item_id>), and the configuration generated from
// it plans with no changes.
func TestAccV7Item_importByIdentity(t *testing.T) {
	it := newItemTest(t, "identity")
	source := it.base + "/scan-1.jpg"
	cfg, vars := config.StaticFile("testdata/item.tf"), it.vars(v7fake.StorageRW, source, nil)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source)
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             it.checkDestroyed,
		Steps: append([]resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars, Check: it.capture},
		}, acctest.IdentitySteps(t, resource.TestStep{
			ConfigFile: cfg, ConfigVariables: vars, ResourceName: itemAddr, GenerateConfig: true,
		}, map[string]knownvalue.Check{"team_slug": knownvalue.StringExact(v7fake.TeamSlug), "id": acctest.SameAsState})...),
	})
}
