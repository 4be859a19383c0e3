// The panels' instances, made from the registry's list (panel_registry.h): each line of GRASSFLOW_PANELS names
// the factory its file app/panel_<id>.cpp defines.
#include "panel.h"

namespace grassflow::app {

#define GRASSFLOW_DECLARE_FACTORY(id, shown, placement) std::unique_ptr<Panel> make_##id##_panel(Renderer& renderer);
GRASSFLOW_PANELS(GRASSFLOW_DECLARE_FACTORY)
#undef GRASSFLOW_DECLARE_FACTORY

std::vector<std::unique_ptr<Panel>> make_panels(Renderer& renderer) {
  using Factory = std::unique_ptr<Panel> (*)(Renderer&);
#define GRASSFLOW_FACTORY(id, shown, placement) make_##id##_panel,
  static const Factory factories[] = {GRASSFLOW_PANELS(GRASSFLOW_FACTORY)};
#undef GRASSFLOW_FACTORY
  std::vector<std::unique_ptr<Panel>> panels;
  for (std::size_t i = 0; i < panel_types().size(); ++i) {
    panels.push_back(factories[i](renderer));
    panels.back()->type_ = &panel_types()[i];
  }
  return panels;
}

}  // namespace grassflow::app
