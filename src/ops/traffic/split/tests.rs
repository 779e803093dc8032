use super::*;
use crate::api::models::serving::{EndpointConfig, ServedEntity, TrafficConfig};

fn two() -> Split {
    Split::new(&[("v4", 90), ("v5", 10)])
}

#[test]
fn plus_and_minus_move_a_step_between_two_entities() {
    let s = two().shift("v5", 5).unwrap();
    assert_eq!(s, Split::new(&[("v4", 85), ("v5", 15)]));
    let s = two().shift("v5", -5).unwrap();
    assert_eq!(s, Split::new(&[("v4", 95), ("v5", 5)]));
    // Clamped at the ends, and refused when nothing can move.
    assert_eq!(
        two().shift("v5", -20).unwrap(),
        Split::new(&[("v4", 100), ("v5", 0)])
    );
    let all = Split::new(&[("v4", 0), ("v5", 100)]);
    assert!(matches!(
        all.shift("v5", 5),
        Err(SplitError::NothingToMove(_))
    ));
    assert!(matches!(
        Split::new(&[("v4", 100), ("v5", 0)]).shift("v5", -5),
        Err(SplitError::NothingToMove(_))
    ));
}

#[test]
fn shifts_among_three_are_proportional_and_total_100() {
    let s = Split::new(&[("a", 60), ("b", 30), ("c", 10)]);
    let up = s.shift("c", 10).unwrap();
    assert_eq!(up, Split::new(&[("a", 53), ("b", 27), ("c", 20)]));
    assert_eq!(up.total(), 100);
    let down = s.shift("a", -7).unwrap();
    assert_eq!(down, Split::new(&[("a", 53), ("b", 35), ("c", 12)]));
    // Every other entity at 0: what is given away goes to the first other one.
    let lone = Split::new(&[("a", 0), ("b", 100), ("c", 0)]);
    assert_eq!(
        lone.shift("b", -5).unwrap(),
        Split::new(&[("a", 5), ("b", 95), ("c", 0)])
    );
    for step in 1..=100 {
        for e in ["a", "b", "c"] {
            for d in [step, -step] {
                if let Ok(x) = s.shift(e, d) {
                    assert_eq!(x.total(), 100, "{e} {d}");
                }
            }
        }
    }
}

#[test]
fn exact_splits_are_validated() {
    let a = Split::parse_assignment("v4=90, v5 = 10%").unwrap();
    assert_eq!(two().exact(&a).unwrap(), two());
    let a = Split::parse_assignment("v5=100").unwrap();
    assert_eq!(
        two().exact(&a).unwrap(),
        Split::new(&[("v4", 0), ("v5", 100)])
    );
    let bad = |text: &str| two().exact(&Split::parse_assignment(text)?);
    assert_eq!(bad("v4=80,v5=10"), Err(SplitError::Total { total: 90 }));
    assert!(matches!(
        bad("v4=90,v6=10"),
        Err(SplitError::UnknownEntity { .. })
    ));
    assert!(matches!(
        bad("v4=90,v4=10"),
        Err(SplitError::Duplicate { .. })
    ));
    assert!(matches!(bad("v4=101"), Err(SplitError::OutOfRange { .. })));
    assert!(matches!(bad("v4=-5"), Err(SplitError::OutOfRange { .. })));
    assert!(matches!(bad("v4=9.5"), Err(SplitError::OutOfRange { .. })));
    assert!(matches!(bad("v4"), Err(SplitError::Syntax(_))));
    assert!(matches!(bad(""), Err(SplitError::Syntax(_))));
    assert!(matches!(bad("=5"), Err(SplitError::Syntax(_))));
    let e = bad("v4=90,v6=10").unwrap_err();
    assert_eq!(
        e.to_string(),
        "no served entity v6 on this endpoint (it serves v4, v5)"
    );
}

#[test]
fn canary_steps_leave_other_entities_alone() {
    let s = Split::new(&[("stable", 80), ("canary", 0), ("shadow", 20)]);
    assert_eq!(
        s.with_canary("stable", "canary", 25).unwrap(),
        Split::new(&[("stable", 55), ("canary", 25), ("shadow", 20)])
    );
    assert!(s.with_canary("stable", "canary", 90).is_err());
    assert_eq!(
        two().with_canary("v4", "v5", 100).unwrap(),
        Split::new(&[("v4", 0), ("v5", 100)])
    );
}

#[test]
fn endpoints_and_routes_round_trip() {
    let entity = |n: &str| ServedEntity {
        name: n.to_string(),
        ..Default::default()
    };
    let ep = ServingEndpoint {
        config: Some(EndpointConfig {
            served_entities: vec![entity("v4"), entity("v5"), entity("v6")],
            traffic_config: Some(TrafficConfig {
                routes: Split::new(&[("v5", 10), ("v4", 90)]).to_routes(),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let s = Split::of_endpoint(&ep);
    assert_eq!(s, Split::new(&[("v4", 90), ("v5", 10), ("v6", 0)]));
    assert!(s.same_as(&Split::new(&[("v5", 10), ("v4", 90)])));
    assert!(!s.same_as(&two().shift("v5", 1).unwrap()));
    assert_eq!(s.describe(), "v4=90, v5=10, v6=0");
    assert_eq!(Split::from_routes(&s.to_routes()), s);
}

#[test]
fn typed_shifts_are_whole_points_within_100_and_never_clamped() {
    assert_eq!(Split::parse_shift("v5=+5"), Ok(("v5".into(), 5)));
    assert_eq!(Split::parse_shift(" v5 = -100 "), Ok(("v5".into(), -100)));
    for bad in [
        "v5=+1000",
        "v5=-101",
        "v5=+99999999999",
        "v5=5.5",
        "v5=+-5",
        "v5=",
    ] {
        let err = Split::parse_shift(bad).unwrap_err();
        assert!(matches!(err, SplitError::Step { .. }), "{bad}: {err}");
        assert!(err.to_string().contains("at most 100 points"), "{err}");
    }
    for bad in ["v5", "=+5", ""] {
        assert!(
            matches!(Split::parse_shift(bad), Err(SplitError::ShiftSyntax(_))),
            "{bad}"
        );
    }
    assert_eq!(
        two().shift_exactly("v5", 90).unwrap(),
        Split::new(&[("v4", 0), ("v5", 100)])
    );
    let up = two().shift_exactly("v5", 91).unwrap_err();
    assert_eq!(
        up.to_string(),
        "v5 is at 10%: it can move up by at most 90 points"
    );
    let down = two().shift_exactly("v5", -11).unwrap_err();
    assert_eq!(
        down.to_string(),
        "v5 is at 10%: it can move down by at most 10 points"
    );
    assert!(matches!(
        Split::new(&[("v4", 0), ("v5", 100)]).shift_exactly("v5", 5),
        Err(SplitError::NothingToMove(_))
    ));
}
