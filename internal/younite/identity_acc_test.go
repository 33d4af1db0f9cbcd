package younite_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/younitefake"
)

// The DR's identity is its zone and UUID; an import block naming it imports the DR, which
// plans with no changes against the configuration that created it.
func TestAccYOUniteDataRecord_importByIdentity(t *testing.T) {
	vars := config.Variables{"domain": config.StringVariable(younitefake.DomainStates),
		"record": config.StringVariable(fmt.Sprintf(`{"name": %q, "code": "ID"}`, acctest.Unique("Idaho")))}
	var id string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return eventually(func() error { return drExists(t, id, false) }) },
		Steps: append([]resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.TestCheckResourceAttrWith(drAddr, "id", func(v string) error { id = v; return nil })},
		}, acctest.IdentitySteps(t, resource.TestStep{ConfigFile: cfg, ConfigVariables: vars, ResourceName: drAddr},
			map[string]knownvalue.Check{"zone_uuid": knownvalue.StringExact(younitefake.ZoneMain), "id": acctest.SameAsState})...),
	})
}
