use serde::Serialize;

use crate::seedwork::domain::FieldError;

pub const MAX_PAGE_SIZE: u32 = 500;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// A validated page request (1-based page, size at most [`MAX_PAGE_SIZE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    page_size: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    pub fn parse(page: Option<u32>, page_size: Option<u32>) -> Result<Self, FieldError> {
        let page = page.unwrap_or(1);
        let page_size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page == 0 {
            return Err(FieldError::new("page", "must be 1 or more"));
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(FieldError::new(
                "page_size",
                format!("must be between 1 and {MAX_PAGE_SIZE}, got {page_size}"),
            ));
        }
        Ok(Self { page, page_size })
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.page_size)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.page_size)
    }
}

/// One page of results with the total count.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub page_size: u32,
    pub total: i64,
}

impl<T> PageOf<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: i64) -> Self {
        Self {
            items,
            page: request.page,
            page_size: request.page_size,
            total,
        }
    }
}
