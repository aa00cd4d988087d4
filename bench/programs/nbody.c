// N-body simulation (5 bodies): f64 arithmetic and sqrt.
#include "common.h"
typedef struct { double x, y, z, vx, vy, vz, m; } Body;
static Body b[5];
static void init(void) {
  const double pi = 3.141592653589793, dpy = 365.24, sm = 4 * pi * pi;
  Body init[5] = {
    {0,0,0,0,0,0,sm},
    {4.84143144246472090e+00,-1.16032004402742839e+00,-1.03622044471123109e-01,1.66007664274403694e-03*dpy,7.69901118419740425e-03*dpy,-6.90460016972063023e-05*dpy,9.54791938424326609e-04*sm},
    {8.34336671824457987e+00,4.12479856412430479e+00,-4.03523417114321381e-01,-2.76742510726862411e-03*dpy,4.99852801234917238e-03*dpy,2.30417297573763929e-05*dpy,2.85885980666130812e-04*sm},
    {1.28943695621391310e+01,-1.51111514016986312e+01,-2.23307578892655734e-01,2.96460137564761618e-03*dpy,2.37847173959480950e-03*dpy,-2.96589568540237556e-05*dpy,4.36624404335156298e-05*sm},
    {1.53796971148509165e+01,-2.59193146099879641e+01,1.79258772950371181e-01,2.68067772490389322e-03*dpy,1.62824170038242295e-03*dpy,-9.51592254519715870e-05*dpy,5.15138902046611451e-05*sm}};
  for (int i = 0; i < 5; i++) b[i] = init[i];
}
static i32 run(i32 steps) {
  init();
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < 5; i++)
      for (int j = i + 1; j < 5; j++) {
        double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
        double d2 = dx*dx + dy*dy + dz*dz;
        double mag = 0.01 / (d2 * __builtin_sqrt(d2));
        b[i].vx -= dx * b[j].m * mag; b[i].vy -= dy * b[j].m * mag; b[i].vz -= dz * b[j].m * mag;
        b[j].vx += dx * b[i].m * mag; b[j].vy += dy * b[i].m * mag; b[j].vz += dz * b[i].m * mag;
      }
    for (int i = 0; i < 5; i++) { b[i].x += 0.01*b[i].vx; b[i].y += 0.01*b[i].vy; b[i].z += 0.01*b[i].vz; }
  }
  return (i32)(b[0].vx * 1e9);
}

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(600000); }
