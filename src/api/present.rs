//! A get that answers 2xx without the object it asked for (`{}` from a proxy or a broken
//! server) is a bad answer, not an object with empty fields: reading on would take it as found
//! (an experiment with no runs, an endpoint serving nothing).

use super::{ApiError, ApiResult};

/// `value` when `key` (the field that names the object) is filled in; otherwise a
/// [`ApiError::Decode`] for `path` saying which object the answer lacks.
pub(crate) fn present<T>(value: T, key: &str, path: &str, what: &str) -> ApiResult<T> {
    if key.trim().is_empty() {
        return Err(ApiError::Decode {
            path: path.to_string(),
            message: format!("the answer holds no {what}"),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_without_the_objects_name_is_a_bad_answer() {
        let e = present(
            (),
            "",
            "/api/2.0/mlflow/experiments/get-by-name",
            "experiment",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected answer from /api/2.0/mlflow/experiments/get-by-name: the answer holds \
             no experiment"
        );
        assert!(present(7, "123", "/p", "experiment").is_ok());
    }
}
