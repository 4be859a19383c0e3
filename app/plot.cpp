#include "plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace grassflow::app {

std::vector<double> nice_ticks(const Axis& a, int max_ticks) {
  std::vector<double> ticks;
  if (!(a.max > a.min)) return ticks;
  if (a.log) {
    const int lo = static_cast<int>(std::ceil(std::log10(a.min) - 1e-9));
    const int hi = static_cast<int>(std::floor(std::log10(a.max) + 1e-9));
    const int stride = std::max(1, (hi - lo + max_ticks) / std::max(1, max_ticks));
    for (int e = lo; e <= hi; ++e)
      if ((e - lo) % stride == 0) ticks.push_back(std::pow(10.0, e));
    return ticks;
  }
  const double raw = (a.max - a.min) / std::max(1, max_ticks);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  for (double v = std::ceil(a.min / step) * step; v <= a.max + 1e-9 * step; v += step)
    ticks.push_back(std::fabs(v) < 1e-12 * step ? 0.0 : v);
  return ticks;
}

std::string tick_label(double v) {
  char buffer[32];
  const double av = std::fabs(v);
  if (v == 0) return "0";
  if (av >= 1e5 || av < 1e-3) {
    const int e = static_cast<int>(std::floor(std::log10(av) + 1e-9));
    const double mantissa = v / std::pow(10.0, e);
    if (std::fabs(mantissa - std::round(mantissa)) < 1e-6 && std::fabs(std::round(mantissa)) == 1.0)
      std::snprintf(buffer, sizeof buffer, "%s1e%d", mantissa < 0 ? "-" : "", e);
    else
      std::snprintf(buffer, sizeof buffer, "%.3ge%d", mantissa, e);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
  }
  return buffer;
}

namespace {

struct FrameRecords {
  const ImGuiContext* context = nullptr;
  int frame = -1;
  std::vector<PlotRecord> plots;
};

// The records of the current frame, emptied when the frame (or the ImGui context) has changed.
FrameRecords& frame_records() {
  static FrameRecords records;
  if (records.context != ImGui::GetCurrentContext() || records.frame != ImGui::GetFrameCount()) {
    records.context = ImGui::GetCurrentContext();
    records.frame = ImGui::GetFrameCount();
    records.plots.clear();
  }
  return records;
}

}  // namespace

const std::vector<PlotRecord>& recorded_plots() {
  return frame_records().plots;
}

double Plot::unit(const Axis& a, double v) const {
  if (a.log) return (std::log10(v) - std::log10(a.min)) / (std::log10(a.max) - std::log10(a.min));
  return (v - a.min) / (a.max - a.min);
}

double Plot::from_unit(const Axis& a, double u) const {
  if (a.log) return std::pow(10.0, std::log10(a.min) + u * (std::log10(a.max) - std::log10(a.min)));
  return a.min + u * (a.max - a.min);
}

Plot::Plot(const char* id, ImVec2 size, Axis x, Axis y, const char* x_label, const char* y_label,
           const std::vector<LegendEntry>& legend)
    : draw_(ImGui::GetWindowDrawList()), x_(x), y_(y) {
  const Palette& palette = active_palette();
  record_.id = id;
  if (x_.log && !(x_.min > 0)) x_.min = x_.max > 0 ? x_.max * 1e-6 : 1e-6;
  if (y_.log && !(y_.min > 0)) y_.min = y_.max > 0 ? y_.max * 1e-6 : 1e-6;
  if (!(x_.max > x_.min)) x_.max = x_.log ? x_.min * 10 : x_.min + 1;
  if (!(y_.max > y_.min)) y_.max = y_.log ? y_.min * 10 : y_.min + 1;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  size.x = std::max(size.x, 80.0f);
  size.y = std::max(size.y, 60.0f);
  ImGui::InvisibleButton(id, size);
  hovered_ = ImGui::IsItemHovered();
  const float font = ImGui::GetFontSize();
  // The legend: swatch and name per entry, in rows from the right of the y label to the right edge.
  const float swatch = 1.5f * font, line = 1.2f * font;
  const float legend_x = origin.x + ImGui::CalcTextSize(y_label).x + 1.5f * font;
  std::vector<float> widths;
  for (const LegendEntry& entry : legend) widths.push_back(swatch + ImGui::CalcTextSize(entry.name.c_str()).x);
  const std::vector<Rect> boxes = legend_layout(widths, line, font, origin.x + size.x - 0.8f * font - legend_x);
  const float legend_height = boxes.empty() ? 0.0f : boxes.back().y + line;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const ImVec2 at(legend_x + boxes[i].x, origin.y + boxes[i].y);
    draw_->AddLine(ImVec2(at.x, at.y + font / 2), ImVec2(at.x + 1.2f * font, at.y + font / 2), legend[i].colour, 2.5f);
    draw_->AddText(ImVec2(at.x + swatch, at.y), palette.text, legend[i].name.c_str());
    record_.legend.push_back({legend[i].name, {at.x, at.y, boxes[i].w, boxes[i].h}});
  }
  min_ = ImVec2(origin.x + 4.2f * font, origin.y + std::max(0.6f * font, legend_height + 0.3f * font));
  max_ = ImVec2(origin.x + size.x - 0.8f * font, origin.y + size.y - 2.4f * font);
  max_.y = std::max(max_.y, min_.y + font);
  const ImU32 frame = palette.plot_frame, grid = palette.grid, text = palette.text_dim;
  draw_->AddRectFilled(min_, max_, palette.plot_background);
  for (double t : nice_ticks(x_, std::max(2, static_cast<int>((max_.x - min_.x) / (6 * font))))) {
    const float px = to_screen(t, y_.min).x;
    draw_->AddLine(ImVec2(px, min_.y), ImVec2(px, max_.y), grid);
    const std::string label = tick_label(t);
    draw_->AddText(ImVec2(px - ImGui::CalcTextSize(label.c_str()).x / 2, max_.y + 0.2f * font), text, label.c_str());
  }
  for (double t : nice_ticks(y_, std::max(2, static_cast<int>((max_.y - min_.y) / (2.5f * font))))) {
    const float py = to_screen(x_.min, t).y;
    draw_->AddLine(ImVec2(min_.x, py), ImVec2(max_.x, py), grid);
    const std::string label = tick_label(t);
    draw_->AddText(ImVec2(min_.x - ImGui::CalcTextSize(label.c_str()).x - 0.3f * font, py - font / 2), text,
                   label.c_str());
  }
  draw_->AddRect(min_, max_, frame);
  draw_->AddText(ImVec2((min_.x + max_.x - ImGui::CalcTextSize(x_label).x) / 2, max_.y + 1.2f * font), text, x_label);
  draw_->AddText(ImVec2(origin.x, origin.y), text, y_label);
  if (hovered_) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    mouse_x_ = from_unit(x_, (m.x - min_.x) / (max_.x - min_.x));
    mouse_y_ = from_unit(y_, (max_.y - m.y) / (max_.y - min_.y));
  }
  draw_->PushClipRect(min_, max_, true);
}

ImVec2 Plot::to_screen(double x, double y) const {
  const double ux = unit(x_, x), uy = unit(y_, y);
  return ImVec2(static_cast<float>(min_.x + ux * (max_.x - min_.x)),
                static_cast<float>(max_.y - uy * (max_.y - min_.y)));
}

void Plot::line(const std::vector<double>& xs, const std::vector<double>& ys, ImU32 colour, float thickness) {
  std::vector<ImVec2> points;
  points.reserve(xs.size());
  auto flush = [&] {
    if (points.size() >= 2) draw_->AddPolyline(points.data(), static_cast<int>(points.size()), colour, 0, thickness);
    points.clear();
  };
  for (std::size_t i = 0; i < std::min(xs.size(), ys.size()); ++i) {
    const bool valid = std::isfinite(xs[i]) && std::isfinite(ys[i]) && (!x_.log || xs[i] > 0) && (!y_.log || ys[i] > 0);
    if (!valid) {
      flush();
      continue;
    }
    ImVec2 p = to_screen(xs[i], ys[i]);
    // Keep far-away points finite for the rasteriser; the clip rectangle does the rest.
    p.x = std::clamp(p.x, min_.x - 1e4f, max_.x + 1e4f);
    p.y = std::clamp(p.y, min_.y - 1e4f, max_.y + 1e4f);
    points.push_back(p);
  }
  flush();
}

void Plot::vline(double x, ImU32 colour, const char* label, bool dashed) {
  if (!std::isfinite(x) || (x_.log && x <= 0)) return;
  const float px = to_screen(x, y_.min).x;
  if (px < min_.x || px > max_.x) return;  // beyond the axis (a later stage's marker): no line, no label
  if (dashed) {
    for (float y = min_.y; y < max_.y; y += 8.0f)
      draw_->AddLine(ImVec2(px, y), ImVec2(px, std::min(y + 4.0f, max_.y)), colour, 1.5f);
  } else {
    draw_->AddLine(ImVec2(px, min_.y), ImVec2(px, max_.y), colour, 1.5f);
  }
  if (label && *label) {
    // Right of the marker, or left of it where the text would leave the plot.
    // A space's width on both sides keeps side-by-side labels of neighbouring markers apart.
    const ImVec2 text = ImGui::CalcTextSize(label);
    const float pad = 0.3f * text.y;
    // Never left of the plot either: place_label leaves a box that starts outside its bounds where it is,
    // on top of whatever is there (a marker within 1.5 px of the left edge did).
    const float text_x = std::max(min_.x + pad, px + 3 + text.x + pad > max_.x ? px - 3 - text.x : px + 3);
    const Rect at =
        place_label(labels_, {text_x - pad, min_.y + 2, text.x + 2 * pad, text.y}, 0.0f, 0.1f * text.y, area());
    label_backing(at);
    draw_->AddText(ImVec2(at.x + pad, at.y), colour, label);
    record_.labels.push_back({label, at});
  }
}

void Plot::label_backing(const Rect& at) {
  // Translucent: a curve under the label stays visible, dimmed, and the text keeps most of its contrast.
  draw_->AddRectFilled(ImVec2(at.x, at.y), ImVec2(at.x + at.w, at.y + at.h),
                       (active_palette().plot_background & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 160));
}

Rect Plot::area() const {
  return {min_.x, min_.y, max_.x - min_.x, max_.y - min_.y};
}

void Plot::hline(double y, ImU32 colour, const char* label) {
  if (!std::isfinite(y) || (y_.log && y <= 0)) return;
  const float py = to_screen(x_.min, y).y;
  if (py < min_.y || py > max_.y) return;  // beyond the axis (a plateau below it): no line, no label
  for (float x = min_.x; x < max_.x; x += 8.0f)
    draw_->AddLine(ImVec2(x, py), ImVec2(std::min(x + 4.0f, max_.x), py), colour, 1.0f);
  if (label && *label) {
    const ImVec2 text = ImGui::CalcTextSize(label);
    // Above the line, or below it where the line runs along the top of the plot.
    const float top = py - text.y - 1 >= min_.y ? py - text.y - 1 : py + 1;
    const Rect at = place_label(labels_, {min_.x + 4, top, text.x, text.y}, 0.5f * text.y, 0.0f, area());
    label_backing(at);
    draw_->AddText(ImVec2(at.x, at.y), colour, label);
    record_.labels.push_back({label, at});
  }
}

void Plot::point(double x, double y, ImU32 colour, float radius) {
  if (!std::isfinite(x) || !std::isfinite(y) || (x_.log && x <= 0) || (y_.log && y <= 0)) return;
  draw_->AddCircleFilled(to_screen(x, y), radius, colour);
}

bool Plot::finish() {
  draw_->PopClipRect();
  record_.area = area();
  frame_records().plots.push_back(std::move(record_));
  if (hovered_) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const ImU32 crosshair = active_palette().crosshair;
    draw_->AddLine(ImVec2(m.x, min_.y), ImVec2(m.x, max_.y), crosshair);
    draw_->AddLine(ImVec2(min_.x, m.y), ImVec2(max_.x, m.y), crosshair);
  }
  return hovered_;
}

}  // namespace grassflow::app
