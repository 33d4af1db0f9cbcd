package foundry_test

import (
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }
