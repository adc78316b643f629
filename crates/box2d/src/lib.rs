//! A narrow, safe interface over Box2D 2.3 (C++, compiled from `vendor/` by `build.rs`): a world, bodies with
//! polygon, box and edge fixtures, revolute joints, forces and impulses, stepping, and the contacts that began or
//! ended, by body tag. What an environment like gymnasium's LunarLander needs, and no more.
//!
//! Every value crosses as `f32`, Box2D's own precision. A [`World`] owns its bodies; a [`BodyId`] names one of them
//! and is checked against the world it is used with. Worlds are independent: two threads may each step their own at
//! once (Box2D's global statistics counters are thread-local in this copy, and its shared tables are filled once
//! under `std::call_once`; see `vendor/CHANGES-knowhow.md`).

use std::ffi::c_void;
use std::ptr::NonNull;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct RawBodyState {
    x: f32,
    y: f32,
    angle: f32,
    vx: f32,
    vy: f32,
    omega: f32,
    awake: i32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct RawMaterial {
    density: f32,
    friction: f32,
    restitution: f32,
    category: u16,
    mask: u16,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct RawRevoluteJoint {
    anchor_a_x: f32,
    anchor_a_y: f32,
    anchor_b_x: f32,
    anchor_b_y: f32,
    reference_angle: f32,
    enable_motor: i32,
    motor_speed: f32,
    max_motor_torque: f32,
    enable_limit: i32,
    lower_angle: f32,
    upper_angle: f32,
}

extern "C" {
    fn kh_world_new(gravity_x: f32, gravity_y: f32) -> *mut c_void;
    fn kh_world_free(world: *mut c_void);
    fn kh_world_step(world: *mut c_void, time_step: f32, velocity_iterations: i32, position_iterations: i32);
    fn kh_world_take_events(world: *mut c_void, out: *mut u32, capacity: u32) -> u32;
    fn kh_body_new(world: *mut c_void, dynamic: i32, x: f32, y: f32, angle: f32, tag: u32) -> *mut c_void;
    fn kh_body_add_polygon(body: *mut c_void, xy: *const f32, count: i32, material: RawMaterial);
    fn kh_body_add_box(body: *mut c_void, half_width: f32, half_height: f32, material: RawMaterial);
    fn kh_body_add_edge(body: *mut c_void, x1: f32, y1: f32, x2: f32, y2: f32, material: RawMaterial);
    fn kh_body_apply_force_to_center(body: *mut c_void, force_x: f32, force_y: f32, wake: i32);
    fn kh_body_apply_torque(body: *mut c_void, torque: f32, wake: i32);
    fn kh_body_apply_linear_impulse(
        body: *mut c_void,
        impulse_x: f32,
        impulse_y: f32,
        point_x: f32,
        point_y: f32,
        wake: i32,
    );
    fn kh_body_state(body: *const c_void) -> RawBodyState;
    fn kh_revolute_joint_new(world: *mut c_void, body_a: *mut c_void, body_b: *mut c_void, joint: RawRevoluteJoint);
}

/// Box2D's `b2_maxPolygonVertices`.
pub const MAX_POLYGON_VERTICES: usize = 8;

/// Whether a body moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Static,
    Dynamic,
}

/// A fixture's material and collision filter; the default is Box2D's `b2FixtureDef`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Material {
    pub density: f32,
    pub friction: f32,
    pub restitution: f32,
    /// The fixture's category bits, and the categories it collides with.
    pub category: u16,
    pub mask: u16,
}

impl Default for Material {
    fn default() -> Self {
        Material {
            density: 0.0,
            friction: 0.2,
            restitution: 0.0,
            category: 0x0001,
            mask: 0xFFFF,
        }
    }
}

impl Material {
    fn raw(self) -> RawMaterial {
        RawMaterial {
            density: self.density,
            friction: self.friction,
            restitution: self.restitution,
            category: self.category,
            mask: self.mask,
        }
    }
}

/// A body's position (of its origin), angle, velocities and whether it is awake.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BodyState {
    pub x: f32,
    pub y: f32,
    pub angle: f32,
    pub vx: f32,
    pub vy: f32,
    pub omega: f32,
    pub awake: bool,
}

/// A revolute joint between two bodies, as `b2RevoluteJointDef` describes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevoluteJoint {
    pub local_anchor_a: (f32, f32),
    pub local_anchor_b: (f32, f32),
    pub reference_angle: f32,
    /// `Some((speed, max torque))` turns the motor on.
    pub motor: Option<(f32, f32)>,
    /// `Some((lower, upper))` turns the angle limit on.
    pub limit: Option<(f32, f32)>,
}

/// A contact that began or ended during a step, between bodies of these tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactEvent {
    pub begin: bool,
    pub tag_a: u32,
    pub tag_b: u32,
}

impl ContactEvent {
    /// Whether one of the two bodies has `tag`.
    pub fn involves(&self, tag: u32) -> bool {
        self.tag_a == tag || self.tag_b == tag
    }
}

/// A body of one world: its index there, and the world's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyId {
    world: usize,
    index: usize,
}

/// Why a shape was refused (Box2D would assert or divide by zero on it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShapeError {
    #[error("a polygon needs 3 to {MAX_POLYGON_VERTICES} vertices, got {0}")]
    VertexCount(usize),
    #[error("a value is not a finite number: {0}")]
    NotFinite(f32),
    #[error("a box needs positive half-sizes, got {0} × {1}")]
    EmptyBox(f32, f32),
}

/// A Box2D world and the bodies it owns.
pub struct World {
    raw: NonNull<c_void>,
    bodies: Vec<NonNull<c_void>>,
    events: Vec<u32>,
}

// SAFETY: a b2World has no thread affinity; `World` is not `Sync`, so one thread at a time uses it, and the only
// state Box2D shares between worlds is made thread-safe in this copy (see the crate's documentation).
unsafe impl Send for World {}

impl World {
    /// An empty world with this gravity.
    pub fn new(gravity: (f32, f32)) -> World {
        // SAFETY: kh_world_new returns a new b2World (with its listener), freed only in Drop.
        let raw = unsafe { kh_world_new(gravity.0, gravity.1) };
        World {
            raw: NonNull::new(raw).expect("Box2D allocates a world"),
            bodies: Vec::new(),
            events: Vec::new(),
        }
    }

    fn identity(&self) -> usize {
        self.raw.as_ptr() as usize
    }

    fn body(&self, body: BodyId) -> NonNull<c_void> {
        assert_eq!(body.world, self.identity(), "a BodyId of another world");
        self.bodies[body.index]
    }

    /// Adds a body; `tag` names it in contact events.
    pub fn create_body(&mut self, kind: BodyKind, position: (f32, f32), angle: f32, tag: u32) -> BodyId {
        let dynamic = i32::from(kind == BodyKind::Dynamic);
        // SAFETY: the world pointer is live; the body it returns lives as long as the world.
        let raw = unsafe { kh_body_new(self.raw.as_ptr(), dynamic, position.0, position.1, angle, tag) };
        self.bodies.push(NonNull::new(raw).expect("Box2D allocates a body"));
        BodyId {
            world: self.identity(),
            index: self.bodies.len() - 1,
        }
    }

    /// Adds a convex polygon fixture through `b2PolygonShape::Set` (which orders the points and finds the centroid).
    pub fn add_polygon(&mut self, body: BodyId, points: &[(f32, f32)], material: Material) -> Result<(), ShapeError> {
        if !(3..=MAX_POLYGON_VERTICES).contains(&points.len()) {
            return Err(ShapeError::VertexCount(points.len()));
        }
        let xy: Vec<f32> = points.iter().flat_map(|&(x, y)| [x, y]).collect();
        finite(&xy)?;
        let body = self.body(body);
        // SAFETY: `xy` holds `points.len()` pairs; the body is live.
        unsafe { kh_body_add_polygon(body.as_ptr(), xy.as_ptr(), points.len() as i32, material.raw()) };
        Ok(())
    }

    /// Adds a box fixture centred on the body (`b2PolygonShape::SetAsBox`).
    pub fn add_box(
        &mut self,
        body: BodyId,
        half_width: f32,
        half_height: f32,
        material: Material,
    ) -> Result<(), ShapeError> {
        finite(&[half_width, half_height])?;
        if half_width <= 0.0 || half_height <= 0.0 {
            return Err(ShapeError::EmptyBox(half_width, half_height));
        }
        let body = self.body(body);
        // SAFETY: the body is live.
        unsafe { kh_body_add_box(body.as_ptr(), half_width, half_height, material.raw()) };
        Ok(())
    }

    /// Adds an edge fixture from `from` to `to` (a 2.3 edge, no ghost vertices).
    pub fn add_edge(
        &mut self,
        body: BodyId,
        from: (f32, f32),
        to: (f32, f32),
        material: Material,
    ) -> Result<(), ShapeError> {
        finite(&[from.0, from.1, to.0, to.1])?;
        let body = self.body(body);
        // SAFETY: the body is live.
        unsafe { kh_body_add_edge(body.as_ptr(), from.0, from.1, to.0, to.1, material.raw()) };
        Ok(())
    }

    /// Joins two bodies of this world with a revolute joint.
    pub fn create_revolute_joint(&mut self, body_a: BodyId, body_b: BodyId, joint: RevoluteJoint) {
        let (a, b) = (self.body(body_a), self.body(body_b));
        let (enable_motor, (motor_speed, max_motor_torque)) = match joint.motor {
            Some(motor) => (1, motor),
            None => (0, (0.0, 0.0)),
        };
        let (enable_limit, (lower_angle, upper_angle)) = match joint.limit {
            Some(limit) => (1, limit),
            None => (0, (0.0, 0.0)),
        };
        let raw = RawRevoluteJoint {
            anchor_a_x: joint.local_anchor_a.0,
            anchor_a_y: joint.local_anchor_a.1,
            anchor_b_x: joint.local_anchor_b.0,
            anchor_b_y: joint.local_anchor_b.1,
            reference_angle: joint.reference_angle,
            enable_motor,
            motor_speed,
            max_motor_torque,
            enable_limit,
            lower_angle,
            upper_angle,
        };
        // SAFETY: both bodies belong to this live world.
        unsafe { kh_revolute_joint_new(self.raw.as_ptr(), a.as_ptr(), b.as_ptr(), raw) };
    }

    pub fn apply_force_to_center(&mut self, body: BodyId, force: (f32, f32), wake: bool) {
        let body = self.body(body);
        // SAFETY: the body is live.
        unsafe { kh_body_apply_force_to_center(body.as_ptr(), force.0, force.1, i32::from(wake)) };
    }

    pub fn apply_torque(&mut self, body: BodyId, torque: f32, wake: bool) {
        let body = self.body(body);
        // SAFETY: the body is live.
        unsafe { kh_body_apply_torque(body.as_ptr(), torque, i32::from(wake)) };
    }

    /// Applies `impulse` at the world point `point`.
    pub fn apply_linear_impulse(&mut self, body: BodyId, impulse: (f32, f32), point: (f32, f32), wake: bool) {
        let body = self.body(body);
        // SAFETY: the body is live.
        unsafe { kh_body_apply_linear_impulse(body.as_ptr(), impulse.0, impulse.1, point.0, point.1, i32::from(wake)) };
    }

    pub fn body_state(&self, body: BodyId) -> BodyState {
        let body = self.body(body);
        // SAFETY: the body is live; the call only reads it.
        let raw = unsafe { kh_body_state(body.as_ptr()) };
        BodyState {
            x: raw.x,
            y: raw.y,
            angle: raw.angle,
            vx: raw.vx,
            vy: raw.vy,
            omega: raw.omega,
            awake: raw.awake != 0,
        }
    }

    /// Advances the world by `time_step` seconds (`b2World::Step`).
    pub fn step(&mut self, time_step: f32, velocity_iterations: i32, position_iterations: i32) {
        // SAFETY: the world is live.
        unsafe { kh_world_step(self.raw.as_ptr(), time_step, velocity_iterations, position_iterations) };
    }

    /// The contacts that began or ended since the last call, in the order Box2D reported them.
    pub fn take_contact_events(&mut self) -> Vec<ContactEvent> {
        loop {
            let capacity = (self.events.len() / 3) as u32;
            // SAFETY: `events` has room for `capacity` triples, and the call writes only when they all fit.
            let count = unsafe { kh_world_take_events(self.raw.as_ptr(), self.events.as_mut_ptr(), capacity) };
            if count <= capacity {
                return self.events[..3 * count as usize]
                    .chunks_exact(3)
                    .map(|event| ContactEvent {
                        begin: event[0] != 0,
                        tag_a: event[1],
                        tag_b: event[2],
                    })
                    .collect();
            }
            self.events.resize(3 * count as usize, 0);
        }
    }
}

fn finite(values: &[f32]) -> Result<(), ShapeError> {
    match values.iter().find(|value| !value.is_finite()) {
        Some(value) => Err(ShapeError::NotFinite(*value)),
        None => Ok(()),
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // SAFETY: the world was made by kh_world_new and is freed once, with its bodies and joints.
        unsafe { kh_world_free(self.raw.as_ptr()) };
    }
}
