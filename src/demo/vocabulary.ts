/** Words the demo company is made of: Chinese names, regions and cities, industries, company names. */

export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡',
  '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金',
  '欧阳', '司马', '上官',
] as const;

/** Single characters combined into given names of one or two characters. */
export const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
  '刚', '桂', '英', '华', '建', '文', '玲', '辉', '鹏', '宇', '浩', '晨', '欣', '怡', '婷', '雪', '琳', '晓', '梅', '颖',
  '博', '翔', '宁', '凯', '佳', '悦', '思', '雨', '子', '睿', '航', '轩', '然', '昊', '天', '一', '嘉', '诗', '萱', '泽',
] as const;

export interface City {
  name: string;
  lat: number;
  lng: number;
}

export interface Region {
  name: string;
  cities: readonly City[];
}

export const REGIONS: readonly Region[] = [
  { name: '华东', cities: [{ name: '上海', lat: 31.2304, lng: 121.4737 }, { name: '杭州', lat: 30.2741, lng: 120.1551 }, { name: '苏州', lat: 31.2989, lng: 120.5853 }, { name: '南京', lat: 32.0603, lng: 118.7969 }] },
  { name: '华南', cities: [{ name: '广州', lat: 23.1291, lng: 113.2644 }, { name: '深圳', lat: 22.5431, lng: 114.0579 }, { name: '东莞', lat: 23.0207, lng: 113.7518 }] },
  { name: '华北', cities: [{ name: '北京', lat: 39.9042, lng: 116.4074 }, { name: '天津', lat: 39.3434, lng: 117.3616 }, { name: '石家庄', lat: 38.0428, lng: 114.5149 }] },
  { name: '华中', cities: [{ name: '武汉', lat: 30.5928, lng: 114.3055 }, { name: '长沙', lat: 28.2282, lng: 112.9388 }, { name: '郑州', lat: 34.7466, lng: 113.6254 }] },
  { name: '西南', cities: [{ name: '成都', lat: 30.5728, lng: 104.0668 }, { name: '重庆', lat: 29.563, lng: 106.5516 }] },
  { name: '西北', cities: [{ name: '西安', lat: 34.3416, lng: 108.9398 }, { name: '兰州', lat: 36.0611, lng: 103.8343 }] },
  { name: '东北', cities: [{ name: '沈阳', lat: 41.8057, lng: 123.4315 }, { name: '大连', lat: 38.914, lng: 121.6147 }] },
];

export const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const;

/** Industries people may choose from (the quarter's industryOptions). */
export const INDUSTRIES = ['制造业', '能源', '医疗', '教育', '零售', '金融', '物流', '政府'] as const;

/** The company's focus this quarter; every manager's direction is drawn from it. */
export const COMPANY_FOCUS = ['制造业', '能源', '医疗'] as const;

/**
 * How big a typical deal is per industry, relative to the base size (see docs/demo-company.md).
 * Also the word used in company names.
 */
export const INDUSTRY_PROFILE: Record<string, { sizeFactor: number; words: readonly string[] }> = {
  制造业: { sizeFactor: 1.2, words: ['精密制造', '机械', '电子', '汽车零部件', '新材料'] },
  能源: { sizeFactor: 1.4, words: ['能源', '电力', '新能源', '燃气'] },
  医疗: { sizeFactor: 1.1, words: ['医疗器械', '医药', '健康科技'] },
  教育: { sizeFactor: 0.7, words: ['教育科技', '培训', '学校'] },
  零售: { sizeFactor: 0.8, words: ['商贸', '连锁', '零售'] },
  金融: { sizeFactor: 1.3, words: ['金融服务', '保险代理', '融资租赁'] },
  物流: { sizeFactor: 0.9, words: ['物流', '供应链', '快运'] },
  政府: { sizeFactor: 1.0, words: ['信息中心', '城投', '数据局'] },
};

export const BRAND_CHARS = [
  '恒', '通', '瑞', '达', '华', '信', '天', '宏', '远', '兴', '盛', '泰', '安', '鑫', '源', '德', '博', '创', '联', '海',
  '嘉', '润', '明', '中', '正', '新', '汇', '科', '聚', '同',
] as const;

/** Company-level key accounts (named large customers managers steer their teams towards). */
export const KEY_ACCOUNTS = [
  '中能电力集团', '华晟汽车', '东方精工', '国瑞医疗', '长江储能', '申城制药', '北方重工', '南粤电网',
  '海川新材料', '华夏健康', '天工机械', '蓝海能源',
] as const;

export const PRODUCTS = ['销售管理SaaS 标准版', '销售管理SaaS 企业版', '数据分析模块', 'CRM 集成服务', '培训与实施'] as const;
