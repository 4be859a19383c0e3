// The Grassmannian panel's disk (r = 2, app/panel_sphere.cpp): a loss grid over [-1, 1]² (R16F texture,
// cell-centred, already normalised to [0, 1]) coloured by the colormap inside the unit disk, transparent
// outside it. Slightly darkened so that the learned directions' paths drawn over it stand out.
in vec2 v_uv;
out vec4 frag_colour;
uniform sampler2D u_values;
void main() {
  vec2 p = v_uv * 2.0 - 1.0;
  if (dot(p, p) > 1.0) {
    frag_colour = vec4(0.0);
    return;
  }
  frag_colour = vec4(colormap(texture(u_values, v_uv).r) * 0.85, 1.0);
}
