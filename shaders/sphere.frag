// The sphere S² (for r = 1: the plane of w*, w(t) and one more direction) coloured by the active objective's
// loss as a function of the overlap m = <w, w*>, read from a 1-D profile texture over m in [-1, 1].
// The joint loss is even in m (it lives on the projective plane), the planted one is not.
in vec2 v_uv;
out vec4 frag_colour;
uniform sampler2D u_profile;   // width N, value at texel i = normalised loss at m = -1 + 2 i/(N-1)
uniform mat3 u_rotation;       // view rotation: world = u_rotation * (x, y, z)_view
uniform vec3 u_target;         // w* in world coordinates (unit)
void main() {
  vec2 p = v_uv * 2.0 - 1.0;
  float rr = dot(p, p);
  if (rr > 1.0) {
    frag_colour = vec4(0.0);
    return;
  }
  vec3 view = vec3(p, sqrt(1.0 - rr));
  vec3 world = u_rotation * view;
  float m = clamp(dot(world, u_target), -1.0, 1.0);
  float value = texture(u_profile, vec2((m + 1.0) * 0.5, 0.5)).r;
  float light = 0.55 + 0.45 * view.z;
  frag_colour = vec4(colormap(value) * light, 1.0);
}
