#include "layout.h"

#include <algorithm>
#include <cmath>

#include "panel_registry.h"

namespace grassflow::app {

const std::vector<std::string>& all_panel_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> list;
    for (const PanelType& type : panel_types()) list.push_back(type.id);
    return list;
  }();
  return ids;
}

std::vector<Rect> tile_panels(const std::vector<std::string>& ids, float width, float height, float status_height,
                              float ui_scale) {
  std::vector<Rect> rects(ids.size());
  const float area_h = std::max(0.0f, height - status_height);
  float left = 0.0f;
  std::vector<std::size_t> views;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const PanelType* type = find_panel_type(ids[i]);
    if (!type) continue;
    if (type->placement == PanelType::Placement::sidebar) {
      const float w = std::min(width * 0.4f, 300.0f * ui_scale);
      rects[i] = {0.0f, 0.0f, w, area_h};
      left = w;
    } else {
      views.push_back(i);
    }
  }
  if (views.empty()) return rects;
  const float area_w = std::max(0.0f, width - left);
  // Choose the column count whose cells are closest to 4:3.
  std::size_t best_cols = 1;
  float best_score = 1e30f;
  for (std::size_t cols = 1; cols <= views.size(); ++cols) {
    const std::size_t rows = (views.size() + cols - 1) / cols;
    const float aspect = (area_w / static_cast<float>(cols)) / (area_h / static_cast<float>(rows));
    const float score = std::fabs(std::log(aspect / (4.0f / 3.0f)));
    if (score < best_score) {
      best_score = score;
      best_cols = cols;
    }
  }
  const std::size_t rows = (views.size() + best_cols - 1) / best_cols;
  const float cell_h = area_h / static_cast<float>(rows);
  for (std::size_t n = 0; n < views.size(); ++n) {
    const std::size_t row = n / best_cols, col = n % best_cols;
    // The last row's cells stretch to fill the width.
    const std::size_t in_row = (row + 1 == rows) ? views.size() - row * best_cols : best_cols;
    const float w = area_w / static_cast<float>(in_row);
    rects[views[n]] = {left + static_cast<float>(col) * w, static_cast<float>(row) * cell_h, w, cell_h};
  }
  return rects;
}

bool shows_tabs(float width, float height, float ui_scale) {
  return width < 720.0f * ui_scale || height < 480.0f * ui_scale;
}

bool overlaps(const Rect& a, const Rect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

std::vector<Rect> legend_layout(const std::vector<float>& widths, float line, float gap, float width) {
  std::vector<Rect> boxes;
  float x = 0, y = 0;
  for (float w : widths) {
    if (x > 0 && x + w > width) {
      x = 0;
      y += line;
    }
    boxes.push_back({x, y, w, line});
    x += w + gap;
  }
  return boxes;
}

}  // namespace grassflow::app
