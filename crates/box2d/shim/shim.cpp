// The C interface of the box2d crate: the few Box2D 2.3 calls an environment like LunarLander needs (a world,
// bodies with polygon, box and edge fixtures, revolute joints, forces and impulses, stepping) and a contact
// listener that queues begin and end events by body tag. Every function takes and returns plain values; the Rust
// side (src/lib.rs) owns the pointers and their lifetimes.

#include <Box2D/Box2D.h>

#include <cstdint>
#include <vector>

namespace {

struct ContactEvent {
    uint32_t begin;
    uint32_t tag_a;
    uint32_t tag_b;
};

uint32_t tag_of(b2Fixture* fixture) {
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fixture->GetBody()->GetUserData()));
}

class EventQueue : public b2ContactListener {
public:
    std::vector<ContactEvent> events;

    void BeginContact(b2Contact* contact) override {
        events.push_back({1, tag_of(contact->GetFixtureA()), tag_of(contact->GetFixtureB())});
    }

    void EndContact(b2Contact* contact) override {
        events.push_back({0, tag_of(contact->GetFixtureA()), tag_of(contact->GetFixtureB())});
    }
};

struct World {
    b2World world;
    EventQueue listener;

    explicit World(b2Vec2 gravity) : world(gravity) { world.SetContactListener(&listener); }
};

b2FixtureDef fixture_def(const b2Shape* shape, float density, float friction, float restitution, uint16_t category,
                         uint16_t mask) {
    b2FixtureDef def;
    def.shape = shape;
    def.density = density;
    def.friction = friction;
    def.restitution = restitution;
    def.filter.categoryBits = category;
    def.filter.maskBits = mask;
    return def;
}

}  // namespace

extern "C" {

struct KhBodyState {
    float x, y, angle, vx, vy, omega;
    int32_t awake;
};

struct KhMaterial {
    float density, friction, restitution;
    uint16_t category, mask;
};

void* kh_world_new(float gravity_x, float gravity_y) { return new World(b2Vec2(gravity_x, gravity_y)); }

void kh_world_free(void* world) { delete static_cast<World*>(world); }

void kh_world_step(void* world, float time_step, int32_t velocity_iterations, int32_t position_iterations) {
    static_cast<World*>(world)->world.Step(time_step, velocity_iterations, position_iterations);
}

// When at most `capacity` contact events are queued, copies them (begin, tag_a, tag_b: three u32 each) into `out`
// and clears the queue; otherwise copies nothing and keeps them. Returns how many are queued.
uint32_t kh_world_take_events(void* world, uint32_t* out, uint32_t capacity) {
    std::vector<ContactEvent>& events = static_cast<World*>(world)->listener.events;
    uint32_t count = static_cast<uint32_t>(events.size());
    if (count > capacity) {
        return count;
    }
    for (uint32_t i = 0; i < count; ++i) {
        out[3 * i] = events[i].begin;
        out[3 * i + 1] = events[i].tag_a;
        out[3 * i + 2] = events[i].tag_b;
    }
    events.clear();
    return count;
}

void* kh_body_new(void* world, int32_t dynamic, float x, float y, float angle, uint32_t tag) {
    b2BodyDef def;
    def.type = dynamic ? b2_dynamicBody : b2_staticBody;
    def.position.Set(x, y);
    def.angle = angle;
    def.userData = reinterpret_cast<void*>(static_cast<uintptr_t>(tag));
    return static_cast<World*>(world)->world.CreateBody(&def);
}

// A convex polygon through b2PolygonShape::Set (which orders the vertices and computes the centroid).
void kh_body_add_polygon(void* body, const float* xy, int32_t count, KhMaterial material) {
    b2Vec2 points[b2_maxPolygonVertices];
    for (int32_t i = 0; i < count && i < b2_maxPolygonVertices; ++i) {
        points[i].Set(xy[2 * i], xy[2 * i + 1]);
    }
    b2PolygonShape shape;
    shape.Set(points, count < b2_maxPolygonVertices ? count : b2_maxPolygonVertices);
    b2FixtureDef def = fixture_def(&shape, material.density, material.friction, material.restitution,
                                   material.category, material.mask);
    static_cast<b2Body*>(body)->CreateFixture(&def);
}

void kh_body_add_box(void* body, float half_width, float half_height, KhMaterial material) {
    b2PolygonShape shape;
    shape.SetAsBox(half_width, half_height);
    b2FixtureDef def = fixture_def(&shape, material.density, material.friction, material.restitution,
                                   material.category, material.mask);
    static_cast<b2Body*>(body)->CreateFixture(&def);
}

void kh_body_add_edge(void* body, float x1, float y1, float x2, float y2, KhMaterial material) {
    b2EdgeShape shape;
    shape.Set(b2Vec2(x1, y1), b2Vec2(x2, y2));
    b2FixtureDef def = fixture_def(&shape, material.density, material.friction, material.restitution,
                                   material.category, material.mask);
    static_cast<b2Body*>(body)->CreateFixture(&def);
}

void kh_body_apply_force_to_center(void* body, float force_x, float force_y, int32_t wake) {
    static_cast<b2Body*>(body)->ApplyForceToCenter(b2Vec2(force_x, force_y), wake != 0);
}

void kh_body_apply_torque(void* body, float torque, int32_t wake) {
    static_cast<b2Body*>(body)->ApplyTorque(torque, wake != 0);
}

void kh_body_apply_linear_impulse(void* body, float impulse_x, float impulse_y, float point_x, float point_y,
                                  int32_t wake) {
    static_cast<b2Body*>(body)->ApplyLinearImpulse(b2Vec2(impulse_x, impulse_y), b2Vec2(point_x, point_y),
                                                   wake != 0);
}

KhBodyState kh_body_state(const void* body) {
    const b2Body* b = static_cast<const b2Body*>(body);
    KhBodyState state;
    state.x = b->GetPosition().x;
    state.y = b->GetPosition().y;
    state.angle = b->GetAngle();
    state.vx = b->GetLinearVelocity().x;
    state.vy = b->GetLinearVelocity().y;
    state.omega = b->GetAngularVelocity();
    state.awake = b->IsAwake() ? 1 : 0;
    return state;
}

struct KhRevoluteJoint {
    float anchor_a_x, anchor_a_y, anchor_b_x, anchor_b_y;
    float reference_angle;
    int32_t enable_motor;
    float motor_speed, max_motor_torque;
    int32_t enable_limit;
    float lower_angle, upper_angle;
};

void kh_revolute_joint_new(void* world, void* body_a, void* body_b, KhRevoluteJoint joint) {
    b2RevoluteJointDef def;
    def.bodyA = static_cast<b2Body*>(body_a);
    def.bodyB = static_cast<b2Body*>(body_b);
    def.localAnchorA.Set(joint.anchor_a_x, joint.anchor_a_y);
    def.localAnchorB.Set(joint.anchor_b_x, joint.anchor_b_y);
    def.referenceAngle = joint.reference_angle;
    def.enableMotor = joint.enable_motor != 0;
    def.motorSpeed = joint.motor_speed;
    def.maxMotorTorque = joint.max_motor_torque;
    def.enableLimit = joint.enable_limit != 0;
    def.lowerAngle = joint.lower_angle;
    def.upperAngle = joint.upper_angle;
    static_cast<World*>(world)->world.CreateJoint(&def);
}

}  // extern "C"
