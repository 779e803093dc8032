//! MLflow's search languages: filters (reference §3.3) and `order_by` clauses, shared by the
//! runs, experiments and registered-models searches.

mod filter;
mod lexer;
mod order;
#[cfg(test)]
mod tests;
mod validate;

pub(crate) use filter::{Clause, Dialect, Entity, Literal, Op, parse_filter};
pub(crate) use lexer::like;
pub(crate) use order::{OrderBy, SortValue, compare, id_value, parse_order_by};
