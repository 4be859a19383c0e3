// [matrix] (any r): M(t) as a small heatmap and the principal cosines as bars.
#include "explorer.h"
#include "panel.h"
#include "widgets.h"

namespace grassflow::app {

namespace {

class MatrixPanel final : public Panel {
 public:
  const char* title(const Explorer&) const override { return "Overlap M(t)"; }
  void draw(Explorer& explorer, const PanelFrame&) override { overlap_matrix(explorer.experiment()->active()); }
};

}  // namespace

std::unique_ptr<Panel> make_matrix_panel(Renderer&) {
  return std::make_unique<MatrixPanel>();
}

}  // namespace grassflow::app
